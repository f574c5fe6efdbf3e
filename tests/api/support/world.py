"""The shared world: one server with several schools and users of every
role, set up once per session through the CLI (see the `world` fixture)."""

from .server import InstanceManager


SCHOOLS = {
    "alpha": "Colegio Alfa",
    "beta": "Liceo Beta Ñandú",
    "demo": "Unidad Educativa Demo",
    "pausa": "Escuela Pausa",
    "pausa2": "Escuela Pausa Dos",
    "ajustes": "Escuela Ajustes",
    "bitacora": "Escuela Bitácora",
}

USERS = [
    ("alpha", "director@alpha.test", "school_admin"),
    ("alpha", "docente@alpha.test", "teacher"),
    ("alpha", "representante@alpha.test", "parent"),
    ("beta", "director@beta.test", "school_admin"),
    ("ueipab", "director@ueipab.test", "school_admin"),
    ("ueipab", "docente@ueipab.test", "teacher"),
    ("demo", "director@demo.test", "school_admin"),
    ("pausa", "director@pausa.test", "school_admin"),
    ("ajustes", "director@ajustes.test", "school_admin"),
    ("bitacora", "director@bitacora.test", "school_admin"),
    ("bitacora", "docente@bitacora.test", "teacher"),
]


def make_world(tmp_path_factory):
    """Starts the world's server; returns (instance, manager)."""
    m = InstanceManager(tmp_path_factory)
    inst = m("world")
    inst.init()
    for code, name in SCHOOLS.items():
        inst.create_school(code, name)
    for code, email, role in USERS:
        inst.add_user(code, email, role)
    inst.start()
    return inst, m
