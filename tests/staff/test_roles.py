"""The role matrix (docs/roles.md): every staff route x every role, on both engines.

A member of pilot `alpha` asking for pilot `beta` (or for beta's objects through alpha's
address) gets 404, never 403, so an id is not confirmed to exist.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from survey_server.services.concerns import ConcernInput, add_concern
from survey_server.services.focus_groups import NoteInput, add_note, create_session
from survey_server.services.roles import PERMISSIONS
from tests.staff.conftest import ROLES, Browser, StaffSite, csrf_of
from tests.staff.test_outreach_pages import seed_outreach
from tests.staff.test_reports import write_run_folder


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # {slug}, {sid}, {nid} filled per pilot
    permission: str | None  # None: every signed-in user
    pilot_scoped: bool = True
    data: tuple[tuple[str, str], ...] = ()


_Q = "/staff/pilots/{slug}/questionnaire"
QUESTIONNAIRE_ROUTES = [
    Route("GET", _Q, "questionnaire.edit"),
    Route("GET", _Q + "/details", "questionnaire.edit"),
    Route("GET", _Q + "/items/new", "questionnaire.edit"),
    Route("GET", _Q + "/items/{item_id}", "questionnaire.edit"),
    Route("GET", _Q + "/dimensions/{dim_id}", "questionnaire.edit"),
    Route("GET", _Q + "/translations", "questionnaire.edit"),
    Route("GET", _Q + "/relevant", "questionnaire.edit"),
    Route("GET", _Q + "/versions", "questionnaire.edit"),
    Route("GET", _Q + "/preview", "questionnaire.edit"),
    Route("GET", _Q + "/preview/{wave}/frame", "questionnaire.edit"),
    Route("GET", "/staff/pilots/{slug}/questionnaire.yaml", "questionnaire.edit"),
    Route("GET", "/staff/pilots/{slug}/questionnaire.xlsx", "questionnaire.edit"),
    Route("POST", _Q + "/start", "questionnaire.edit", data=(("instrument", "pilot-core"),)),
    Route("POST", _Q + "/upload", "questionnaire.edit"),
    Route("POST", _Q + "/details", "questionnaire.edit", data=(("title_en", "T"),)),
    Route("POST", _Q + "/items/new", "questionnaire.edit", data=(("id", ""),)),
    Route("POST", _Q + "/items/{item_id}", "questionnaire.edit", data=(("id", ""),)),
    Route("POST", _Q + "/items/{item_id}/delete", "questionnaire.edit"),
    Route("POST", _Q + "/order", "questionnaire.edit", data=(("move", "prod_2"),)),
    Route("POST", _Q + "/sections/{key}", "questionnaire.edit", data=(("name", "productivity"),)),
    Route("POST", _Q + "/dimensions", "questionnaire.edit", data=(("id", ""),)),
    Route(
        "POST", _Q + "/dimensions/{dim_id}", "questionnaire.edit", data=(("id", "productivity"),)
    ),
    Route("POST", _Q + "/translations", "questionnaire.edit"),
    Route("POST", _Q + "/languages", "questionnaire.edit", data=(("language", "es"),)),
    Route("POST", _Q + "/languages/{code}/remove", "questionnaire.edit"),
    Route("POST", _Q + "/put-in-use", "questionnaire.edit"),
    Route("POST", "/staff/pilots/{slug}/test-links", "questionnaire.edit", data=(("wave", "pre"),)),
    Route("POST", "/staff/pilots/{slug}/test-links/clear", "questionnaire.edit"),
    Route("GET", "/staff/pilots/{slug}/schedule", "pilot.manage"),
    Route(
        "POST",
        "/staff/pilots/{slug}/schedule",
        "pilot.manage",
        data=(("closes_pre", "2099-01-01"),),
    ),
    Route("GET", "/staff/pilots/{slug}/margin", "pilot.manage"),
    Route("POST", "/staff/pilots/{slug}/margin", "pilot.manage", data=(("margin", "0.3"),)),
    Route("GET", "/staff/pilots/{slug}/results", "results.view"),
    Route("GET", "/staff/pilots/{slug}/results/responses.csv", "results.download"),
    Route("GET", "/staff/pilots/{slug}/results/responses.parquet", "results.download"),
    Route("GET", "/staff/pilots/{slug}/results/codebook.csv", "results.download"),
]

_K = "/staff/pilots/{slug}/concerns"
CONCERN_ROUTES = [
    Route("GET", _K, "concerns.view"),
    Route("GET", _K + "/{kid}", "concerns.view"),
    Route("POST", _K, "concerns.add", data=(("title", "T"), ("severity", "major"))),
    Route(
        "POST",
        _K + "/{kid}/plan",
        "concerns.plan",
        data=(("owner", "manager@example.org"), ("due_on", "2027-01-01"), ("plan", "P")),
    ),
    Route(
        "POST",
        _K + "/{kid}/mitigation",
        "concerns.plan",
        data=(("mitigation", "M"), ("evidence", "E")),
    ),
    Route("POST", _K + "/{kid}/verification", "concerns.verify", data=(("verification", "V"),)),
    Route("POST", _K + "/{kid}/acceptance", "concerns.accept", data=(("rationale", "R"),)),
]

_D = "/staff/pilots/{slug}/decisions"
DECISION_ROUTES = [
    Route("GET", _D, "decisions.view"),
    Route("GET", _D + "/new", "decisions.record"),
    Route("GET", _D + "/{did}", "decisions.view"),
    Route("GET", _D + "/{did}/memo.html", "decisions.view"),
    Route("GET", _D + "/{did}/memo.pdf", "decisions.view"),
    Route(
        "POST",
        _D,
        "decisions.record",
        data=(("run_id", "{run}"), ("outcome", "go"), ("current", "{did}")),
    ),
]


ROUTES = [
    Route("GET", "/staff/pilots", None, pilot_scoped=False),
    Route("GET", "/staff/password", None, pilot_scoped=False),
    Route("GET", "/staff/pilots/new", "pilot.create", pilot_scoped=False),
    Route("GET", "/staff/users", "users.manage", pilot_scoped=False),
    Route("GET", "/staff/audit", "audit.view", pilot_scoped=False),
    Route("GET", "/staff/tokens", "tokens", pilot_scoped=False),
    Route("GET", "/staff/portfolio", "decisions.view", pilot_scoped=False),
    Route("GET", "/staff/pilots/{slug}", "pilot.view"),
    Route("GET", "/staff/pilots/{slug}/sessions/new", "sessions.edit"),
    Route("GET", "/staff/pilots/{slug}/sessions/{sid}", "sessions.view"),
    Route("GET", "/staff/pilots/{slug}/sessions/{sid}/notes/{nid}", "sessions.edit"),
    Route("GET", "/staff/api/v1/pilots/{slug}/responses.csv", "export"),
    Route("GET", "/staff/api/v1/pilots/{slug}/responses.parquet", "export"),
    Route("GET", "/staff/api/v1/pilots/{slug}/notes.csv", "export"),
    Route("GET", "/staff/api/v1/pilots/{slug}/concerns.csv", "concerns.view"),
    Route("GET", "/staff/api/v1/pilots/{slug}/codebook.json", "export"),
    Route("GET", "/staff/api/v1/pilots/{slug}/codebook.csv", "export"),
    Route("GET", "/staff/pilots/{slug}/reports", "reports.view"),
    Route("GET", "/staff/pilots/{slug}/reports/progress", "reports.view"),
    Route("GET", "/staff/pilots/{slug}/reports/{run}/{file}", "reports.view"),
    Route(
        "POST",
        "/staff/pilots/{slug}/reports",
        "reports.run",
        data=(("language", "en"), ("alpha", "0.05")),
    ),
    Route("POST", "/staff/pilots/{slug}/waves/pre", "pilot.manage", data=(("status", "open"),)),
    Route("POST", "/staff/pilots/{slug}/invitations", "pilot.manage", data=(("count", "1"),)),
    Route(
        "POST", "/staff/pilots/{slug}/reissue", "pilot.manage", data=(("participant_id", "{pid}"),)
    ),
    Route(
        "POST",
        "/staff/pilots/{slug}/sessions/new",
        "sessions.edit",
        data=(
            ("held_on", "2026-01-05"),
            ("kind", "interview"),
            ("attendees", "1"),
            ("facilitator", "F"),
        ),
    ),
    Route(
        "POST",
        "/staff/pilots/{slug}/sessions/{sid}/notes",
        "sessions.edit",
        data=(
            ("text", "ok"),
            ("dimension", "productivity"),
            ("sentiment", "neutral"),
            ("severity", "none"),
        ),
    ),
    Route(
        "POST",
        "/staff/pilots/{slug}/sessions/{sid}/notes/{nid}",
        "sessions.edit",
        data=(
            ("text", "edited"),
            ("dimension", "processes"),
            ("sentiment", "mixed"),
            ("severity", "minor"),
        ),
    ),
    Route("POST", "/staff/pilots/{slug}/members", "members.manage", data=(("email", "x@y.org"),)),
    Route("GET", "/staff/pilots/{slug}/outreach", "outreach"),
    Route("GET", "/staff/pilots/{slug}/contacts", "outreach"),
    Route("POST", "/staff/pilots/{slug}/contacts", "outreach", data=(("email", "n@example.org"),)),
    Route("POST", "/staff/pilots/{slug}/contacts/upload", "outreach"),
    Route("GET", "/staff/pilots/{slug}/outreach/templates", "outreach"),
    Route(
        "POST",
        "/staff/pilots/{slug}/outreach/templates",
        "outreach",
        data=(("kind", "invitation"), ("language", "en"), ("subject", "Hi"), ("body", "{{link}}")),
    ),
    Route("POST", "/staff/pilots/{slug}/outreach/contact", "outreach", data=(("contact", "D"),)),
    Route("GET", "/staff/pilots/{slug}/outreach/send", "outreach"),
    Route(
        "POST",
        "/staff/pilots/{slug}/outreach/send",
        "outreach",
        data=(("wave", "pre"), ("kind", "reminder"), ("digest", "old")),
    ),
    Route(
        "POST",
        "/staff/pilots/{slug}/outreach/plans/{wave}",
        "outreach",
        data=(("max_reminders", "2"), ("gap_days", "3")),
    ),
    Route("GET", "/staff/pilots/{slug}/outreach/messages", "outreach"),
    Route("GET", "/staff/pilots/{slug}/outreach/messages/{mid}", "outreach"),
    Route("GET", "/staff/pilots/{slug}/outreach/messages/{mid}/message.eml", "outreach"),
    Route("POST", "/staff/pilots/{slug}/contacts/{cid}/delete", "outreach"),
    *CONCERN_ROUTES,
    *DECISION_ROUTES,
    Route("POST", "/staff/users", "users.manage", pilot_scoped=False, data=(("email", "n"),)),
    *QUESTIONNAIRE_ROUTES,
    Route("POST", "/staff/tokens", "tokens", pilot_scoped=False, data=(("name", "script"),)),
]
REFUSED = {401, 403, 404, 405}


def _objects(site: StaffSite, slug: str) -> dict[str, str]:
    async def seed(engine: object) -> dict[str, str]:
        from survey_server.services.accounts import StaffAccount
        from survey_server.staff_tables import StaffUser
        from survey_server.tables import Pilot

        pilot = await Pilot.select(Pilot.id).where(Pilot.slug == slug).first()
        user = await StaffUser.select(StaffUser.id).where(StaffUser.role == "admin").first()
        admin = StaffAccount(user["id"], "admin@example.org", "admin")
        sid = await create_session(
            engine,  # type: ignore[arg-type]
            admin,
            pilot["id"],
            held_on="2026-01-10",
            kind="focus_group",
            attendees="6",
            facilitator="Seed",
        )
        nid = await add_note(
            engine,  # type: ignore[arg-type]
            admin,
            pilot["id"],
            sid,
            NoteInput("seed note", ["productivity"], "positive", "none"),
        )
        from survey_server.services.invitations import invite

        invited = await invite(engine, slug, 1)  # type: ignore[arg-type]
        cid, mid = await seed_outreach(site, engine, admin, pilot["id"])
        kid = await add_concern(
            engine,  # type: ignore[arg-type]
            admin,
            pilot["id"],
            ConcernInput("Seed concern", "blocker"),
        )
        return {
            "slug": slug,
            "sid": str(sid),
            "nid": str(nid),
            "pid": invited[0].participant_id,
            "cid": str(cid),
            "mid": str(mid),
            "kid": str(kid),
            "wave": "pre",
            "pilot_id": str(pilot["id"]),
        }

    ids = site.run(seed)
    run = write_run_folder(site.reports_dir / slug, "20261101-090000-abcd")

    async def decide(engine: object) -> int:
        from survey_server.services.accounts import StaffAccount
        from survey_server.services.decisions import record_decision, run_evidence

        pilot_id = int(ids["pilot_id"])
        evidence = await run_evidence(engine, pilot_id, slug, site.reports_dir, run.name)  # type: ignore[arg-type]
        from survey_server.staff_tables import StaffUser

        found = await StaffUser.select(StaffUser.id).where(StaffUser.role == "executive").first()
        executive = StaffAccount(found["id"], "executive@example.org", "executive")
        return await record_decision(
            engine,  # type: ignore[arg-type]
            executive,
            pilot_id,
            evidence,
            outcome="extend",
            conditions="",
            current="",
        )

    did = site.run(decide)
    return {
        **ids,
        "did": str(did),
        "run": run.name,
        "file": "report.html",
        "item_id": "prod_3",
        "dim_id": "productivity",
        "wave": "pre",
        "key": "productivity",
        "code": "xx",
    }


def _call(browser: Browser, route: Route, ids: dict[str, str], csrf: str) -> int:
    path = route.path.format(**ids)
    if route.method == "GET":
        return browser.get(path, follow_redirects=False).status_code
    data = {"csrf_token": csrf, **{k: v.format(**ids) for k, v in route.data}}
    return browser.post(path, data=data, follow_redirects=False).status_code


@pytest.fixture
def matrix_site(team: StaffSite) -> tuple[StaffSite, dict[str, str], dict[str, str]]:
    return team, _objects(team, "alpha"), _objects(team, "beta")


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(
    matrix_site: tuple[StaffSite, dict[str, str], dict[str, str]], role: str
) -> None:
    site, alpha, beta = matrix_site
    browser = site.browser(f"{role}@example.org")
    csrf = csrf_of(browser.get("/staff/password").text)
    anonymous = site.browser()
    for route in ROUTES:
        allowed = route.permission is None or role in PERMISSIONS[route.permission]
        status = _call(browser, route, alpha, csrf)
        label = f"{role} {route.method} {route.path}"
        if allowed:
            assert status not in REFUSED and status < 500, f"{label}: {status}"
        else:
            assert status == 403, f"{label}: {status}"
        if route.pilot_scoped:
            # Another pilot's objects: hidden from non-members, whatever the role.
            other = _call(browser, route, beta, csrf)
            if role == "admin" and not allowed:
                assert other == 403, f"{label} on beta: {other}"
            elif role == "admin":
                assert other not in REFUSED and other < 500, f"{label} on beta: {other}"
            else:
                assert other == 404, f"{label} on beta: {other}"
            # Beta's session and note through alpha's address: not found for everyone.
            if "{sid}" in route.path:
                mixed = {**alpha, "sid": beta["sid"], "nid": beta["nid"]}
                assert _call(browser, route, mixed, csrf) == 404 or not allowed, label
        # Signed out: pages redirect to sign in, the API answers 401.
        signed_out = _call(anonymous, route, alpha, csrf)
        expected = 401 if route.path.startswith("/staff/api/") else 303
        assert signed_out == expected, f"signed out {route.method} {route.path}: {signed_out}"


def test_matrix_covers_every_staff_route(staff_site: StaffSite) -> None:
    """A new staff route must be added to ROUTES (and to docs/roles.md)."""
    covered = {(r.method, r.path.replace("{sid}", "{session_id:int}")) for r in ROUTES}
    skipped = {
        "/staff",
        "/staff/sign-in",
        "/staff/sign-out",
        "/staff/api/v1/pilots",
        "/staff/password",
    }
    missing = []
    for route in staff_site.client.app.routes:
        path = route.path
        if not path.startswith("/staff") or path in skipped:
            continue
        normalised = (
            path.replace("{slug:str}", "{slug}")
            .replace("{session_id:int}", "{sid}")
            .replace("{note_id:int}", "{nid}")
            .replace("{run_id:str}/{file_name:str}", "{run}/{file}")
            .replace("/preview/{wave:str}/", "/preview/{wave}/")
            .replace("/sections/{key:str}", "/sections/{key}")
            .replace("{item_id:str}", "{item_id}")
            .replace("{dim_id:str}", "{dim_id}")
            .replace("{code:str}", "{code}")
            .replace("{contact_id:int}", "{cid}")
            .replace("{message_id:int}", "{mid}")
            .replace("{wave:str}", "{wave}")
            .replace("{concern_id:int}", "{kid}")
            .replace("{decision_id:int}", "{did}")
        )
        for method in route.methods - {"HEAD", "OPTIONS"}:  # type: ignore[attr-defined]
            if (method, normalised) not in {
                (m, p.replace("{session_id:int}", "{sid}")) for m, p in covered
            }:
                missing.append(f"{method} {normalised}")
    allowed_gaps = {
        "GET /staff/pilots/{slug}/invitations/{key:str}",
        "GET /staff/pilots/{slug}/invitations/{key:str}/links.csv",
        "GET /staff/pilots/{slug}/invitations/{key:str}/sheet",
        "POST /staff/pilots/{slug}/members/{user_id:int}/remove",
        "POST /staff/pilots/{slug}/waves/{wave}",
        "POST /staff/users/{user_id:int}/active",
        "POST /staff/tokens/{token_id:int}/revoke",
        "POST /staff/pilots/new",
    }
    assert sorted(set(missing) - allowed_gaps) == []
