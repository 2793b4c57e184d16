"""E-mail outreach: a reminder batch to 6,000 of 10,000 contacts through a local SMTP server.

Set-up (not timed): a linked pilot-core pilot on a SQLite file, 10,000 contacts, their
invitation recorded as sent three days ago, 4,000 of them answered. A real SMTP server
(aiosmtpd, in this process) takes the messages; a real `pilotkit serve` process serves
the staff dashboard and participants, whose requests (the form page, draft saves) a load
generator in its own process sends at a steady rate the whole time.

The same reminder batch is sent twice, side by side:
  A. by `pilotkit outreach-worker` in its own process (the web process does not send);
  B. by the worker inside the web process (`pilotkit serve` as it starts by default).
Printed for each: messages per second (SMTP server's clock, first to last message), the
worker's peak memory (VmHWM of its process; for B the web process as a whole), the time
from queueing until the dashboard page shows the whole batch sent, and the participants'
p50/p99 with the batch running, next to the same load with nothing being sent.

    python -m bench outreach            # PILOTKIT_BENCH_CONTACTS=10000 by default
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from piccolo.querystring import QueryString

from survey_server.process import REPO_ROOT, ServerProcess, start_server

CONTACTS = int(os.environ.get("PILOTKIT_BENCH_CONTACTS", "10000"))
ANSWERED = CONTACTS * 2 // 5
LOAD_RATE = float(os.environ.get("PILOTKIT_BENCH_FORM_RATE", "40"))
QUIET_S = 8.0
#: unmeasured load after a server starts, before anything is measured
WARM_S = 3.0
SECRET = "outreach benchmark key"
PASSWORD = "benchmark password 2026"
DAY = 86_400


async def _seed(database_url: str, folder: Path) -> list[str]:
    """The pilot, its contacts and answers; the links of those who have not answered."""
    from pilotkit.instruments import load_instrument_file
    from pilotkit.paths import project_root
    from survey_server.connection import connected
    from survey_server.outreach_settings import OutreachSettings
    from survey_server.outreach_tables import Contact
    from survey_server.services import contacts, outreach
    from survey_server.services.accounts import add_member, create_user
    from survey_server.services.audit import COMMAND_LINE
    from survey_server.services.forms import submit
    from survey_server.services.outreach_keys import link_token, server_key
    from survey_server.services.pilots import create_pilot, set_wave_status

    instrument = load_instrument_file(project_root() / "instruments" / "pilot-core.yaml")
    async with connected(database_url) as engine:
        pilot = await create_pilot(engine, slug="bench", instrument=instrument)
        await set_wave_status(engine, "bench", "pre", "open")
        user = await create_user(
            engine, email="m@example.org", role="manager", password=PASSWORD, actor=COMMAND_LINE
        )
        await add_member(engine, "bench", "m@example.org", COMMAND_LINE)
        key = server_key(OutreachSettings(secret_key=SECRET), database_url)
        rows = "email,name\n" + "".join(f"p{i:05d}@example.org,P {i}\n" for i in range(CONTACTS))
        await contacts.import_contacts(engine, user.actor, pilot.id, key, rows.encode())
        now = outreach.now_s()
        batch = await outreach.plan_batch(
            engine, pilot.id, "pre", "invitation", send_at=now, now=now
        )
        await outreach.queue_batch(
            engine, user.actor, batch, send_at=now, now=now, sender="a@b.org", link_key=key
        )
        await engine.run_querystring(
            QueryString('UPDATE "outbox" SET "state" = {}, "sent_at" = {}', "sent", now - 3 * DAY)
        )
        seeds = await Contact.select(Contact.link_seed).order_by(Contact.id)
        tokens = [link_token(key, row["link_seed"]) for row in seeds]
        answers = {i.id: 4 for i in instrument.items_in_wave("pre") if i.type == "likert"}
        for token in tokens[:ANSWERED]:
            await submit(engine, token, uuid.uuid4(), answers)
        await outreach.save_plan(
            engine, user.actor, pilot.id, "pre", automatic=False, max_reminders=5, gap_days=1
        )
        return tokens[ANSWERED:]


async def _queue_reminders(database_url: str) -> int:
    from survey_server.connection import connected
    from survey_server.outreach_settings import OutreachSettings
    from survey_server.services import outreach
    from survey_server.services.audit import Actor
    from survey_server.services.outreach_keys import server_key

    async with connected(database_url) as engine:
        now = outreach.now_s()
        rows = await engine.run_querystring(QueryString('SELECT "id" FROM "pilot"'))
        batch = await outreach.plan_batch(
            engine, rows[0]["id"], "pre", "reminder", send_at=now, now=now
        )
        key = server_key(OutreachSettings(secret_key=SECRET), database_url)
        return await outreach.queue_batch(
            engine,
            Actor(None, "benchmark"),
            batch,
            send_at=now,
            now=now,
            sender="a@b.org",
            link_key=key,
        )


async def _backdate(database_url: str) -> None:
    from survey_server.connection import connected

    async with connected(database_url) as engine:
        await engine.run_querystring(
            QueryString('UPDATE "outbox" SET "sent_at" = "sent_at" - {}', 3 * DAY)
        )


def _sign_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30, follow_redirects=True)
    form = client.get("/staff/sign-in").text
    token = re.search(r'name="signin_token" value="([^"]+)"', form)
    assert token
    done = client.post(
        "/staff/sign-in",
        data={"email": "m@example.org", "password": PASSWORD, "signin_token": token.group(1)},
    )
    assert done.status_code == 200, done.status_code
    return client


def _figure(html: str, name: str) -> int:
    match = re.search(rf'data-figure="{name}">(\d+)<', html)
    return int(match.group(1)) if match else -1


def _peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load(base: str, tokens: Path, stop: Path) -> subprocess.Popen[str]:
    stop.unlink(missing_ok=True)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.outreach_load",
            "--base",
            base,
            "--tokens",
            str(tokens),
            "--rate",
            str(LOAD_RATE),
            "--stop-file",
            str(stop),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def _finish_load(process: subprocess.Popen[str], stop: Path) -> dict[str, Any]:
    stop.touch()
    out, _ = process.communicate(timeout=120)
    return json.loads(out.strip().splitlines()[-1])


def _run_batch(
    label: str,
    database_url: str,
    server: ServerProcess,
    smtp: Any,
    tokens: Path,
    folder: Path,
    worker_env: dict[str, str] | None,
) -> dict[str, Any]:
    client = _sign_in(server.base)
    stop = folder / "stop"
    worker: subprocess.Popen[bytes] | None = None
    if worker_env is not None:
        worker = subprocess.Popen(
            [sys.executable, "-m", "pilotkit", "outreach-worker"],
            env=worker_env,
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    before = smtp.sink.accepted
    sender_pid = worker.pid if worker is not None else server.process.pid
    cpu_before = _cpu_s(sender_pid)
    times: list[float] = []
    smtp.sink.on_message = lambda sink: times.append(time.perf_counter())
    load = _load(server.base, tokens, stop)
    time.sleep(1.0)
    started = time.perf_counter()
    queued = asyncio.run(_queue_reminders(database_url))
    queued_at = time.perf_counter()
    shown_at = None
    while time.perf_counter() - started < 600:
        html = client.get("/staff/pilots/bench/outreach").text
        if _figure(html, "waiting") == 0 and smtp.sink.accepted - before >= queued:
            shown_at = time.perf_counter()
            break
        time.sleep(1.0)  # a manager reloading the page often; the figure is within a second
    cpu_used = _cpu_s(sender_pid) - cpu_before
    figures = _finish_load(load, stop)
    smtp.sink.on_message = None
    peak = _peak_kib(sender_pid)
    if worker is not None:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=30)
    client.close()
    sent = smtp.sink.accepted - before
    spread = (times[-1] - times[0]) if len(times) > 1 else 0.0
    return {
        "label": label,
        "queued": queued,
        "sent": sent,
        "per_s": sent / spread if spread else 0.0,
        "drain_s": (times[-1] - started) if times else 0.0,
        "queue_s": queued_at - started,
        "first_s": (times[0] - started) if times else 0.0,
        "dashboard_s": (shown_at - started) if shown_at else float("nan"),
        "peak_mib": peak / 1024,
        "cpu_s": cpu_used,
        "load": figures,
    }


def _warm_up(server: ServerProcess, tokens: Path, folder: Path) -> None:
    """The same load for WARM_S, not counted: a new server's first requests open
    connections, fill caches and compile templates, which no steady state pays again."""
    stop = folder / "stop"
    load = _load(server.base, tokens, stop)
    time.sleep(WARM_S)
    _finish_load(load, stop)


def _quiet_load(server: ServerProcess, tokens: Path, folder: Path) -> dict[str, Any]:
    stop = folder / "stop"
    load = _load(server.base, tokens, stop)
    time.sleep(QUIET_S)
    return _finish_load(load, stop)


def main(argv: list[str] | None = None) -> None:
    sys.path.insert(0, str(REPO_ROOT))
    from tests.outreach.smtp import SmtpTestServer

    with tempfile.TemporaryDirectory() as tmp, SmtpTestServer() as smtp:
        folder = Path(tmp)
        smtp.sink.count_only = True
        database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
        print(f"seeding {CONTACTS} contacts, {ANSWERED} answers ...", flush=True)
        started = time.perf_counter()
        pending = asyncio.run(_seed(database_url, folder))
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
        tokens = folder / "tokens.txt"
        tokens.write_text("\n".join(pending))
        mail_env = {
            "PILOTKIT_SMTP_URL": smtp.url,
            "PILOTKIT_SECRET_KEY": SECRET,
            "PILOTKIT_MAIL_FROM": "pilots@city.example.org",
            "PILOTKIT_MAIL_RATE": "0",
            "PILOTKIT_REPORT_WORKER": "0",
        }
        results = []
        server = start_server(database_url, extra_env={**mail_env, "PILOTKIT_OUTREACH_WORKER": "0"})
        try:
            _warm_up(server, tokens, folder)
            quiet = _quiet_load(server, tokens, folder)
            worker_env = {
                **os.environ,
                "DATABASE_URL": database_url,
                **mail_env,
                "PILOTKIT_BASE_URL": server.base,
            }
            results.append(
                _run_batch("A. own process", database_url, server, smtp, tokens, folder, worker_env)
            )
        finally:
            server.stop()
        asyncio.run(_backdate(database_url))
        server = start_server(database_url, extra_env={**mail_env, "PILOTKIT_OUTREACH_WORKER": "1"})
        try:
            _warm_up(server, tokens, folder)
            results.append(
                _run_batch(
                    "B. in the web process", database_url, server, smtp, tokens, folder, None
                )
            )
        finally:
            server.stop()

    print(
        f"\nreminder batch to {len(pending)} of {CONTACTS} contacts, local SMTP server (aiosmtpd)"
    )
    print(f"participants' requests at {LOAD_RATE:.0f}/s (form page 2/3, draft save 1/3)")
    print(
        f"  nothing being sent : p50 {quiet['p50_ms']:6.1f} ms  p99 {quiet['p99_ms']:6.1f} ms  "
        f"({quiet['requests']} requests, {quiet['statuses']})"
    )
    for r in results:
        load = r["load"]
        print(f"{r['label']}")
        print(f"  messages sent       : {r['sent']} of {r['queued']} queued")
        print(
            f"  messages per second : {r['per_s']:.0f}"
            f"  (batch planned and queued in {r['queue_s']:.1f} s, first message at "
            f"{r['first_s']:.1f} s, last at {r['drain_s']:.1f} s)"
        )
        print(f"  dashboard shows all : {r['dashboard_s']:.1f} s after queueing")
        per_message = 1000 * r["cpu_s"] / max(r["sent"], 1)
        print(
            f"  CPU of the sender   : {r['cpu_s']:.1f} s, {per_message:.2f} ms a message"
            f" ({r['sent'] / max(r['cpu_s'], 0.001):.0f} messages per CPU-second)"
        )
        print(
            f"  peak memory         : {r['peak_mib']:.0f} MiB "
            f"({'worker process' if r['label'].startswith('A') else 'web process with worker'})"
        )
        print(
            f"  participants        : p50 {load['p50_ms']:6.1f} ms  p99 {load['p99_ms']:6.1f} ms  "
            f"max {load['max_ms']:6.0f} ms  ({load['requests']} requests, {load['statuses']})"
        )
        print(f"  p99 ratio to quiet  : {load['p99_ms'] / max(quiet['p99_ms'], 0.001):.1f}x")


if __name__ == "__main__":
    main()
