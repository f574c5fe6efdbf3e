"""The school structure the students tests stand on, made through the
structure API (POST /api/v1/years, /grades, /sections): a past year
2024-2025 with 1er Año A, then the current year 2025-2026 with 1er Año A
and B and 2do Año A."""

from datetime import datetime, timezone

from .client import assert_ok


def now_utc():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_structure(c):
    """{"year", "old_year", "g1", "g2", "1A", "1B", "2A", "old_1A"} -> ids,
    for the school of client `c` (a school admin)."""
    old = assert_ok(c.post("/api/v1/years", json={
        "name": "2024-2025", "starts_on": "2024-09-16", "ends_on": "2025-07-18",
        "is_current": True}), 201)
    g1 = assert_ok(c.post("/api/v1/grades", json={"level": "media_general", "number": 1}), 201)
    g2 = assert_ok(c.post("/api/v1/grades", json={"level": "media_general", "number": 2}), 201)
    old_1a = assert_ok(c.post("/api/v1/sections", json={"grade_id": g1["id"], "letter": "A"}), 201)
    year = assert_ok(c.post("/api/v1/years", json={
        "name": "2025-2026", "starts_on": "2025-09-15", "ends_on": "2026-07-20",
        "is_current": True}), 201)
    ids = {"year": year["id"], "old_year": old["id"], "g1": g1["id"], "g2": g2["id"],
           "old_1A": old_1a["id"]}
    for key, grade, letter in (("1A", g1, "A"), ("1B", g1, "B"), ("2A", g2, "A")):
        ids[key] = assert_ok(c.post("/api/v1/sections", json={"grade_id": grade["id"],
                                                               "letter": letter}), 201)["id"]
    return ids
