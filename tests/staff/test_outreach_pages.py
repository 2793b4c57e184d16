"""The outreach pages as a manager uses them, and the guard that keeps contacts apart:
no export, notes file, codebook, report input, staff API answer or audit entry carries an
address or a contact's name. On both engines."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from survey_server.outreach_worker import OutreachWorker
from survey_server.services import contacts, outreach
from survey_server.services.outreach_keys import server_key
from tests.staff.conftest import StaffSite, csrf_of

SECRET_NAME = "Zebulon Quartermaine"
SECRET_ADDRESS = "zebulon.q@example.org"


async def seed_outreach(site: StaffSite, engine: Any, user: Any, pilot_id: int) -> tuple[int, int]:
    """One contact e-mailed one invitation (written as an .eml file); their ids."""
    settings = site.client.app.state.settings
    key = server_key(settings.outreach, settings.database_url)
    await contacts.add_contact(engine, user.actor, pilot_id, key, email=f"c{pilot_id}@example.org")
    now = outreach.now_s()
    batch = await outreach.plan_batch(engine, pilot_id, "pre", "invitation", send_at=now, now=now)
    await outreach.queue_batch(
        engine, user.actor, batch, send_at=now, now=now, sender="a@b.org", link_key=key
    )
    worker = OutreachWorker(engine, settings)
    await worker.drain()
    await worker.transport.close()
    listing = await contacts.list_contacts(engine, pilot_id)
    rows, _ = await outreach.messages(engine, pilot_id)
    return listing.contacts[0].id, rows[0].id


def _drain(site: StaffSite) -> int:
    async def run(engine: Any) -> int:
        worker = OutreachWorker(engine, site.client.app.state.settings)
        try:
            return await worker.drain()
        finally:
            await worker.transport.close()

    return site.run(run)


@pytest.fixture
def managed(staff_site: StaffSite) -> StaffSite:
    for email, role in (
        ("mia@example.org", "manager"),
        ("ana@example.org", "analyst"),
        ("eve@example.org", "executive"),
    ):
        staff_site.user(email, role)
    staff_site.pilot("alpha", members=("mia@example.org", "ana@example.org", "eve@example.org"))
    return staff_site


def test_manager_uploads_previews_sends_and_reads_the_messages(managed: StaffSite) -> None:
    browser = managed.browser("mia@example.org")
    page = browser.get("/staff/pilots/alpha/contacts")
    assert page.status_code == 200
    csrf = csrf_of(page.text)
    upload = (
        "email;name;language\n"
        f"{SECRET_ADDRESS};{SECRET_NAME};es\n"
        "bob@example.org;Bob;en\n"
        "not-an-address;X;en\n"
        "BOB@example.org;;\n"
        "lee@example.org;Lee;fr\n"
    ).encode()
    result = browser.post(
        "/staff/pilots/alpha/contacts/upload",
        data={"csrf_token": csrf},
        files={"file": ("people.csv", upload, "text/csv")},
    )
    assert result.status_code == 200, result.text
    text = result.text
    assert "3 new contacts" in text and "1 duplicate merged" in text and "1 row refused" in text
    assert "Row 4: &#39;not-an-address&#39; is not an e-mail address" in text
    assert "same address as row 3; merged" in text
    assert "language &#39;fr&#39; is not one of the questionnaire" in text

    bad = browser.post(
        "/staff/pilots/alpha/contacts/upload",
        data={"csrf_token": csrf},
        files={"file": ("people.csv", "correo\nañ@x.org\n".encode("latin-1"), "text/csv")},
    )
    assert bad.status_code == 422 and "not UTF-8" in bad.text

    wording = browser.post(
        "/staff/pilots/alpha/outreach/templates",
        data={
            "csrf_token": csrf,
            "kind": "invitation",
            "language": "en",
            "subject": "Hello",
            "body": "No link here, {first_name}",
        },
    )
    assert wording.status_code == 422
    assert "must contain {link}" in wording.text

    preview = browser.get("/staff/pilots/alpha/outreach/send?wave=pre&kind=invitation")
    assert preview.status_code == 200
    assert "This goes to 3 people" in preview.text
    assert "PERSONAL-LINK?lang=es" in preview.text and "Su enlace personal" in preview.text
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', preview.text)
    assert digest
    sent = browser.post(
        "/staff/pilots/alpha/outreach/send",
        data={
            "csrf_token": csrf,
            "wave": "pre",
            "kind": "invitation",
            "when": "now",
            "digest": digest.group(1),
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303 and "queued=3" in sent.headers["location"]
    assert _drain(managed) == 3

    board = browser.get("/staff/pilots/alpha/outreach").text
    assert 'data-figure="emailed">3<' in board
    listing = browser.get("/staff/pilots/alpha/outreach/messages").text
    message_id = re.search(r"/outreach/messages/(\d+)\"", listing)
    assert message_id and SECRET_ADDRESS in listing
    message = browser.get(f"/staff/pilots/alpha/outreach/messages/{message_id.group(1)}")
    assert message.status_code == 200 and "/f/" in message.text
    eml = browser.get(f"/staff/pilots/alpha/outreach/messages/{message_id.group(1)}/message.eml")
    assert eml.status_code == 200 and eml.headers["content-type"].startswith("message/rfc822")

    # the same preview again: nobody left to invite, and the page says why
    again = browser.get("/staff/pilots/alpha/outreach/send?wave=pre&kind=invitation")
    assert "Nothing can be sent now" in again.text

    # deleting a contact keeps its link working
    token_match = re.search(rb"/f/([A-Za-z0-9_-]+)\?lang=", eml.content)
    assert token_match
    contact_id = re.search(
        r"/contacts/(\d+)/delete", browser.get("/staff/pilots/alpha/contacts").text
    )
    assert contact_id
    browser.post(
        f"/staff/pilots/alpha/contacts/{contact_id.group(1)}/delete", data={"csrf_token": csrf}
    )
    form = managed.client.get(f"/f/{token_match.group(1).decode()}")
    assert form.status_code == 200


def test_an_unknown_status_filter_is_named(managed: StaffSite) -> None:
    browser = managed.browser("mia@example.org")
    for path, choices in (
        ("contacts", "active, opted_out, bounced"),
        ("outreach/messages", "queued, sending, sent, failed, cancelled"),
    ):
        for hostile in ("lost", "%C2%B2", "x" * 5000):
            response = browser.get(f"/staff/pilots/alpha/{path}?status={hostile}")
            assert response.status_code == 422, (path, hostile[:10])
            assert f"Status: choose one of: {choices}" in response.text
        response = browser.get(f"/staff/pilots/alpha/{path}?status=%00")
        assert response.status_code == 422 and "NUL character" in response.text
        assert browser.get(f"/staff/pilots/alpha/{path}?status=").status_code == 200


def test_contacts_never_leave_through_exports_reports_or_audit(managed: StaffSite) -> None:
    manager = managed.browser("mia@example.org")
    csrf = csrf_of(manager.get("/staff/pilots/alpha/contacts").text)
    manager.post(
        "/staff/pilots/alpha/contacts",
        data={"csrf_token": csrf, "email": SECRET_ADDRESS, "name": SECRET_NAME, "language": "en"},
    )
    preview = manager.get("/staff/pilots/alpha/outreach/send?wave=pre&kind=invitation").text
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', preview)
    assert digest
    manager.post(
        "/staff/pilots/alpha/outreach/send",
        data={
            "csrf_token": csrf,
            "wave": "pre",
            "kind": "invitation",
            "when": "now",
            "digest": digest.group(1),
        },
    )
    assert _drain(managed) == 1
    eml = next((managed.client.app.state.settings.outreach.outbox_dir / "alpha").glob("*.eml"))
    token = re.search(rb"/f/([A-Za-z0-9_-]+)\?lang=", eml.read_bytes())
    assert token
    form = managed.client.get(f"/api/v1/forms/{token.group(1).decode()}").json()
    answers = {i["id"]: 4 for i in form["items"] if i["type"] == "likert"}

    submitted = managed.client.post(
        f"/api/v1/forms/{token.group(1).decode()}/submissions",
        json={"submission_id": str(uuid.uuid4()), "answers": answers},
    )
    assert submitted.status_code == 201, submitted.text

    admin_pages = []
    managed.user("root@example.org", "admin")
    admin = managed.browser("root@example.org")
    admin_pages.append(admin.get("/staff/audit").text)
    # the send batch is audited: who, how many, which wording
    assert "outreach.queue" in admin_pages[0] and "mia@example.org" in admin_pages[0]
    assert "recipients" in admin_pages[0] and "Your survey about" in admin_pages[0]
    analyst = managed.browser("ana@example.org")
    outputs = [
        analyst.get("/staff/api/v1/pilots/alpha/responses.csv").text,
        analyst.get("/staff/api/v1/pilots/alpha/notes.csv").text,
        analyst.get("/staff/api/v1/pilots/alpha/codebook.json").text,
        analyst.get("/staff/pilots/alpha").text,
        *admin_pages,
    ]
    executive = managed.browser("eve@example.org")
    outputs.append(executive.get("/staff/pilots/alpha").text)
    for role_browser in (analyst, executive):
        for path in ("contacts", "outreach", "outreach/messages", "outreach/templates"):
            assert role_browser.get(f"/staff/pilots/alpha/{path}").status_code == 403

    async def report_inputs(engine: Any) -> str:
        from survey_server.services.report_inputs import export_pilot_inputs

        folder = managed.client.app.state.settings.reports_dir / "inputs"
        folder.mkdir(parents=True, exist_ok=True)
        await export_pilot_inputs(engine, "alpha", folder)
        return "".join(
            p.read_bytes().decode("utf-8", "replace") for p in folder.iterdir() if p.is_file()
        )

    outputs.append(managed.run(report_inputs))
    assert "pre" in outputs[0]  # the export has the answer
    for output in outputs:
        assert SECRET_ADDRESS not in output
        assert SECRET_NAME not in output
        assert "zebulon" not in output.lower()


def test_opt_out_page_in_the_contacts_language_and_one_click(managed: StaffSite) -> None:
    async def make(engine: Any) -> list[str]:
        from survey_server.outreach_tables import Contact
        from survey_server.services.accounts import get_user
        from survey_server.services.contacts import pilot_facts
        from survey_server.services.outreach_keys import opt_out_token
        from survey_server.tables import Pilot

        settings = managed.client.app.state.settings
        key = server_key(settings.outreach, settings.database_url)
        pilot = await Pilot.select(Pilot.id).where(Pilot.slug == "alpha").first()
        user = await get_user(engine, 1)
        await contacts.import_contacts(
            engine,
            user.actor,
            pilot["id"],
            key,
            b"email,language\nes1@example.org,es\nen1@example.org,en\n",
        )
        await pilot_facts(pilot["id"])
        seeds = await Contact.select(Contact.link_seed).order_by(Contact.email_key)
        return [opt_out_token(key, row["link_seed"]) for row in seeds]

    english, spanish = managed.run(make)
    page = managed.client.get(f"/o/{spanish}")
    assert page.status_code == 200 and 'lang="es"' in page.text
    assert "Dejar de recibir correos" in page.text
    done = managed.client.post(f"/o/{spanish}", data={"lang": "es"})
    assert done.status_code == 200 and "No recibirá más correos" in done.text
    one_click = managed.client.post(f"/o/{english}", data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and "You will receive no more e-mails" in one_click.text
    assert managed.client.get("/o/not-a-real-token-at-all-xyz").status_code == 404
    listing = managed.browser("mia@example.org").get("/staff/pilots/alpha/contacts").text
    assert "Active: 0 · opted out: 2" in listing


def test_key_file_is_made_once_and_kept_private(tmp_path: Path) -> None:
    from survey_server.outreach_settings import OutreachSettings

    settings = OutreachSettings()
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    first = server_key(settings, url)
    assert server_key(settings, url) == first
    path = tmp_path / "db.sqlite3.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert asyncio.iscoroutinefunction(contacts.opt_out)
