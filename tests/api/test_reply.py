"""Replies (src/http/reply.c): a store that fails or is busy is a 503 that
asks to try again; a defect in our own code is a 500 that says so."""

import sqlite3

import pytest

from conftest import assert_error, assert_ok, store_execute


def test_a_busy_store_answers_503_and_asks_to_try_again(instances):
    inst = instances("busy")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.start()
    if inst.on_postgres:
        pytest.skip("holds a SQLite write lock")
    c = inst.login("norte", "directora@norte.test")
    con = sqlite3.connect(str(inst.school_store("norte")), timeout=1, isolation_level=None)
    try:
        con.execute("BEGIN EXCLUSIVE")
        r = c.patch("/api/v1/settings", json={"address": "Calle 1"}, timeout=30)
    finally:
        con.execute("ROLLBACK")
        con.close()
    err = assert_error(r, 503, "store_unavailable")
    assert "Intente de nuevo" in err["message"], err
    assert_ok(c.patch("/api/v1/settings", json={"address": "Calle 1"}))


def test_a_defect_answers_500_and_says_it_is_ours(instances):
    inst = instances("defect")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.start()
    if inst.on_postgres:
        pytest.skip("PostgreSQL refuses text that is not UTF-8")
    # a stored name that is not UTF-8 cannot become JSON: our defect to
    # guard against, not a reason to ask the user to try again
    store_execute(inst.school_store("norte"),
                  "UPDATE tenant_settings SET value = CAST(X'436fff' AS TEXT) WHERE key = 'name'")
    err = assert_error(inst.client("norte").get("/api/v1/branding"), 500, "internal")
    assert "defecto" in err["message"] and "Intente de nuevo" not in err["message"], err
    assert "internal error" in inst.stderr_text()
