"""The school year's calendar (issue #16, part `calendar`: h_calendar.c,
src/school/calendar.c and calendar_edit.c), through the API on the suite's
backend: the national holidays a new year gets (exact for 2025-2026 and
2026-2027, Carnaval and Holy Week from Easter), the count of school days
(días hábiles) and its split by month against a count written here, a break
added as a range, a day removed, the holidays re-added, who may read and who
may edit, and bad input refused whole with nothing written."""

from datetime import date, timedelta

import pytest

from conftest import assert_error, assert_ok, store_rows

# Venezuela's national holidays inside each year below, as a school's
# calendar must show them (weekend ones included: 12 October 2025, 19 April
# and 5 July 2026 fall on a Sunday, 1 May 2027 on a Saturday).
HOLIDAYS_2025_2026 = [
    "2025-10-12", "2025-12-24", "2025-12-25", "2025-12-31", "2026-01-01",
    "2026-02-16", "2026-02-17",            # Carnaval 2026 (Easter 5 April)
    "2026-04-02", "2026-04-03",            # Holy Thursday and Good Friday 2026
    "2026-04-19", "2026-05-01", "2026-06-24", "2026-07-05"]
HOLIDAYS_2026_2027 = [
    "2026-10-12", "2026-12-24", "2026-12-25", "2026-12-31", "2027-01-01",
    "2027-02-08", "2027-02-09",            # Carnaval 2027 (Easter 28 March)
    "2027-03-25", "2027-03-26",
    "2027-04-19", "2027-05-01", "2027-06-24", "2027-07-05"]
MOVABLE_NAMES = {"2026-02-16": "Carnaval", "2026-02-17": "Carnaval", "2026-04-02": "Jueves Santo",
                 "2026-04-03": "Viernes Santo", "2027-02-08": "Carnaval", "2027-03-26": "Viernes Santo"}


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("calendar")
    inst.init()
    for code in ("norte", "sur", "vacia"):
        inst.create_school(code, f"U.E. {code.title()}")
        inst.add_user(code, f"directora@{code}.test", "school_admin")
    inst.add_user("norte", "docente@norte.test", "teacher")
    inst.add_user("norte", "madre@norte.test", "parent")
    inst.start()
    c = inst.login("norte", "directora@norte.test")
    inst.y1 = assert_ok(c.post("/api/v1/years", json={
        "name": "2025-2026", "starts_on": "2025-09-15", "ends_on": "2026-07-15"}), 201)
    inst.y2 = assert_ok(c.post("/api/v1/years", json={
        "name": "2026-2027", "starts_on": "2026-09-14", "ends_on": "2027-07-16"}), 201)
    return inst


def director(inst, code="norte"):
    return inst.cached_login(code, f"directora@{code}.test")


def calendar(c, year_id=None):
    params = {"year_id": year_id} if year_id else None
    return assert_ok(c.get("/api/v1/calendar", params=params))


def days(n):
    return [d["date"] for d in n["days"]]


def independent_count(starts_on, ends_on, non_school):
    """(school days, {"YYYY-MM": school days}): weekdays of the year that are
    not in non_school."""
    d, end = date.fromisoformat(starts_on), date.fromisoformat(ends_on)
    total, months = 0, {}
    while d <= end:
        months.setdefault(d.isoformat()[:7], 0)
        if d.weekday() < 5 and d.isoformat() not in non_school:
            total += 1
            months[d.isoformat()[:7]] += 1
        d += timedelta(days=1)
    return total, months


def assert_counts(cal):
    total, months = independent_count(cal["year"]["starts_on"], cal["year"]["ends_on"],
                                      set(days(cal)))
    assert cal["school_days"] == total, (cal["school_days"], total)
    assert {m["month"]: m["school_days"] for m in cal["months"]} == months
    assert [m["month"] for m in cal["months"]] == sorted(months)


def test_a_new_year_has_venezuelas_national_holidays_prefilled(school):
    c = director(school)
    for year, want in ((school.y1, HOLIDAYS_2025_2026), (school.y2, HOLIDAYS_2026_2027)):
        cal = calendar(c, year["id"])
        assert cal["year"] == {k: year[k] for k in ("id", "name", "starts_on", "ends_on")}, cal
        assert days(cal) == want, (year["name"], days(cal))
        assert all(d["kind"] == "feriado" and d["name"] for d in cal["days"]), cal["days"]
        names = {d["date"]: d["name"] for d in cal["days"]}
        for day, word in MOVABLE_NAMES.items():
            if day in names:
                assert word in names[day], (day, names[day])
        assert cal["required"] == 200
    # the current year is the first one created; GET without year_id shows it
    assert calendar(c)["year"]["name"] == "2025-2026"


def test_school_days_and_months_match_an_independent_count(school):
    c = director(school)
    cal = calendar(c, school.y1["id"])
    assert_counts(cal)
    # 218 weekdays from 15 September 2025 to 15 July 2026, 10 of them holidays
    assert (cal["weekdays"], cal["school_days"]) == (218, 208), cal
    feb = next(m for m in cal["months"] if m["month"] == "2026-02")
    assert feb["school_days"] == 18, feb            # 20 weekdays less Carnaval
    assert cal["months"][0] == {"month": "2025-09", "school_days": 12}
    assert_counts(calendar(c, school.y2["id"]))


def test_a_break_is_added_over_the_weekdays_of_a_range_and_audited(school):
    c = director(school)
    before = calendar(c, school.y2["id"])
    res = assert_ok(c.post("/api/v1/calendar/days", json={
        "year_id": school.y2["id"], "from": "2026-12-18", "to": "2027-01-08",
        "kind": "vacaciones", "name": "Vacaciones de Navidad"}), 201)
    # 16 weekdays; the four holidays among them become part of the break
    assert res["added"] == 16, res
    cal = res["calendar"]
    assert cal["year"]["id"] == school.y2["id"]
    added = {d["date"]: d for d in cal["days"] if "2026-12-18" <= d["date"] <= "2027-01-08"}
    assert len(added) == 16 and all(date.fromisoformat(x).weekday() < 5 for x in added)
    assert {(d["kind"], d["name"]) for d in added.values()} == {("vacaciones", "Vacaciones de Navidad")}
    assert cal["school_days"] == before["school_days"] - 12, (cal["school_days"], before["school_days"])
    assert_counts(cal)
    assert calendar(c, school.y2["id"]) == cal, "the reply is the calendar as it now stands"
    # audited: a created day and an updated holiday, with what it was
    created = assert_ok(c.get("/api/v1/audit", params={"entity": "calendar_day", "action": "create"}))
    assert any(r["after"] and r["after"].get("date") == "2027-01-08" and
               r["after"].get("kind") == "vacaciones" for r in created["items"]), created["items"][:3]
    updated = assert_ok(c.get("/api/v1/audit", params={"entity": "calendar_day", "action": "update"}))
    row = next(r for r in updated["items"] if (r["after"] or {}).get("date") == "2026-12-25")
    assert row["before"]["kind"] == "feriado" and row["after"]["kind"] == "vacaciones", row
    assert row["actor"] == "directora@norte.test", row
    # the same again changes nothing
    res = assert_ok(c.post("/api/v1/calendar/days", json={
        "year_id": school.y2["id"], "from": "2026-12-18", "to": "2027-01-08",
        "kind": "vacaciones", "name": "Vacaciones de Navidad"}), 201)
    assert res["added"] == 0 and res["calendar"] == cal


def test_one_closure_day_in_the_current_year_without_to(school):
    c = director(school)
    res = assert_ok(c.post("/api/v1/calendar/days", json={
        "from": "2025-11-21", "kind": "cierre", "name": "Elecciones regionales"}), 201)
    assert res["added"] == 1 and res["calendar"]["year"]["name"] == "2025-2026"
    day = next(d for d in res["calendar"]["days"] if d["date"] == "2025-11-21")
    assert (day["kind"], day["name"]) == ("cierre", "Elecciones regionales")
    assert res["calendar"]["school_days"] == 207
    assert_counts(res["calendar"])


def test_a_removed_day_is_a_school_day_again_and_holidays_come_back(school):
    c = director(school)
    cal = calendar(c, school.y1["id"])
    carnaval = next(d for d in cal["days"] if d["date"] == "2026-02-16")
    after = assert_ok(c.delete(f"/api/v1/calendar/days/{carnaval['id']}"))
    assert "2026-02-16" not in days(after) and after["school_days"] == cal["school_days"] + 1
    assert_counts(after)
    row = assert_ok(c.get("/api/v1/audit", params={"entity": "calendar_day", "action": "delete"}))["items"][0]
    assert row["before"]["date"] == "2026-02-16" and row["after"] is None, row
    assert_error(c.delete(f"/api/v1/calendar/days/{carnaval['id']}"), 404, "not_found")
    res = assert_ok(c.post("/api/v1/calendar/holidays", json={"year_id": school.y1["id"]}))
    assert res["added"] == 1 and "2026-02-16" in days(res["calendar"]), res["added"]
    assert res["calendar"]["school_days"] == cal["school_days"]
    # nothing missing: nothing added
    assert assert_ok(c.post("/api/v1/calendar/holidays", json={}))["added"] == 0


def test_every_invalid_member_is_reported_at_once_and_nothing_is_written(school):
    c = director(school)
    store = school.school_store("norte")
    count = "SELECT COUNT(*), MAX(updated_at) FROM calendar_days"
    before = store_rows(store, count)
    err = assert_error(c.post("/api/v1/calendar/days", json={
        "from": "2025-02-30", "to": "ayer", "kind": "fiesta", "name": ""}), 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"from", "to", "kind", "name"}, err
    assert all(e["message"] and not e["message"].startswith("The") for e in err["errors"])
    err = assert_error(c.post("/api/v1/calendar/days", json={
        "from": "2026-03-10", "to": "2026-03-09", "kind": "otro", "name": "x" * 101}), 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"to", "name"}, err
    # outside the year, before and after
    err = assert_error(c.post("/api/v1/calendar/days", json={
        "year_id": school.y1["id"], "from": "2025-09-01", "to": "2026-07-20",
        "kind": "vacaciones", "name": "Fuera"}), 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"from", "to"}, err
    assert "año escolar" in err["errors"][0]["message"]
    # only a weekend
    assert_error(c.post("/api/v1/calendar/days", json={
        "from": "2026-03-07", "to": "2026-03-08", "kind": "otro", "name": "Sábado"}), 422, "invalid",
        field="from")
    # a control character, a bad year_id, an unknown year
    assert_error(c.post("/api/v1/calendar/days", json={
        "from": "2026-03-10", "kind": "otro", "name": "Día\u001b[31m"}), 422, "invalid", field="name")
    assert_error(c.post("/api/v1/calendar/days", json={
        "year_id": "uno", "from": "2026-03-10", "kind": "otro", "name": "Día"}), 422, "invalid",
        field="year_id")
    assert_error(c.post("/api/v1/calendar/days", json={
        "year_id": 999999, "from": "2026-03-10", "kind": "otro", "name": "Día"}), 404, "not_found")
    assert store_rows(store, count) == before, "a refused request wrote nothing"
    assert_error(c.get("/api/v1/calendar", params={"year_id": "x"}), 422, "invalid", field="year_id")
    assert_error(c.get("/api/v1/calendar", params={"year_id": 999999}), 404, "not_found")
    assert_error(c.delete("/api/v1/calendar/days/999999"), 404, "not_found")
    assert_error(c.post("/api/v1/calendar/holidays", json={"year_id": 999999}), 404, "not_found")


def test_teachers_and_parents_read_the_calendar_but_do_not_edit_it(school):
    cal = calendar(director(school))
    for email in ("docente@norte.test", "madre@norte.test"):
        c = school.cached_login("norte", email)
        assert calendar(c) == cal
        assert_error(c.post("/api/v1/calendar/days", json={
            "from": "2026-03-10", "kind": "otro", "name": "Día"}), 403, "forbidden")
        assert_error(c.post("/api/v1/calendar/holidays", json={}), 403, "forbidden")
        assert_error(c.delete(f"/api/v1/calendar/days/{cal['days'][0]['id']}"), 403, "forbidden")


def test_another_schools_days_are_not_found(school):
    norte = calendar(director(school), school.y1["id"])
    c = director(school, "sur")
    assert_error(c.get("/api/v1/calendar", params={"year_id": school.y1["id"]}), 404, "not_found")
    assert_error(c.delete(f"/api/v1/calendar/days/{norte['days'][0]['id']}"), 404, "not_found")
    assert calendar(director(school), school.y1["id"]) == norte


def test_a_school_without_a_year_gets_one_with_its_holidays_on_its_first_section(school):
    c = director(school, "vacia")
    err = assert_error(c.get("/api/v1/calendar"), 404, "not_found")
    assert "Estructura" in err["message"], err
    assert_error(c.post("/api/v1/calendar/days", json={
        "from": "2026-03-10", "kind": "otro", "name": "Día"}), 422, "invalid", field="year_id")
    g = assert_ok(c.post("/api/v1/grades", json={"level": "primaria", "number": 1}), 201)
    assert_ok(c.post("/api/v1/sections", json={"grade_id": g["id"], "letter": "A"}), 201)
    cal = calendar(c)
    y = cal["year"]
    want = [d for d in HOLIDAYS_2025_2026 + HOLIDAYS_2026_2027 + ["2026-07-24", "2027-07-24"]
            if y["starts_on"] <= d <= y["ends_on"]]
    assert days(cal) == sorted(set(want)), days(cal)
    assert_counts(cal)


def test_a_promoted_year_gets_its_holidays(school):
    c = director(school, "sur")
    y = assert_ok(c.post("/api/v1/years", json={
        "name": "2025-2026", "starts_on": "2025-09-15", "ends_on": "2026-07-15"}), 201)
    res = assert_ok(c.post(f"/api/v1/years/{y['id']}/promote", json={
        "name": "2026-2027", "starts_on": "2026-09-14", "ends_on": "2027-07-16"}), 201)
    assert days(calendar(c, res["year"]["id"])) == HOLIDAYS_2026_2027
    assert days(calendar(c)) == HOLIDAYS_2026_2027, "the promoted year is the current one"
