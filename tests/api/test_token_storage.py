"""Secrets are stored as hashes: a copy of the store opens no session or API."""

from conftest import assert_ok, store_rows


def test_session_and_api_tokens_are_stored_only_as_hashes(world):
    c = world.login("alpha", "director@alpha.test")
    session = c.session_cookie
    token = assert_ok(c.post("/api/v1/auth/tokens", json={"name": "copia"}), 201)["token"]
    store = world.school_store("alpha")
    stored = [v for (v,) in store_rows(store, "SELECT id_hash FROM sessions")]
    stored += [v for (v,) in store_rows(store, "SELECT token_hash FROM api_tokens")]
    passwords = [v for (v,) in store_rows(store, "SELECT password_hash FROM users")]
    assert stored and all(len(v) == 64 for v in stored), stored
    assert session not in stored and token not in stored
    assert all(session not in v and token not in v for v in stored + passwords)
    assert all(p.startswith("$argon2id$") for p in passwords), passwords
