"""The application factory: `create_app(settings)` builds a Litestar app, nothing global."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import msgspec
from litestar import Litestar, Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from survey_server.connection import prepare
from survey_server.database import create_engine, start_engine, stop_engine
from survey_server.i18n.jinja import install as install_i18n
from survey_server.outreach_worker import OutreachWorker
from survey_server.report_worker import ReportWorker
from survey_server.services.health import write_problem
from survey_server.settings import Settings, parse_database_url
from survey_server.web.api import API_HANDLERS
from survey_server.web.boundary import refuse_hostile_input
from survey_server.web.code_page import CODE_HANDLERS
from survey_server.web.errors import EXCEPTION_HANDLERS
from survey_server.web.form import FORM_HANDLERS
from survey_server.web.opt_out import OPT_OUT_HANDLERS
from survey_server.web.staff import staff_router
from survey_server.web.staff_errors import STAFF_EXCEPTION_HANDLERS

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


class Health(msgspec.Struct):
    status: str  # "ok" | "failing"
    database: str
    detail: str = ""


@get("/healthz", responses={503: ResponseSpec(Health, description="the database takes no writes")})
async def healthz(state: State) -> Response[Health]:
    """Liveness and database check for load balancers and start-up scripts: 200 when a
    write goes through (written and rolled back), 503 naming the error when it fails."""
    problem = await write_problem(state.engine)
    if problem is None:
        return Response(Health(status="ok", database=state.engine_name))
    return Response(
        Health(status="failing", database=state.engine_name, detail=f"database write: {problem}"),
        status_code=503,
    )


class Pong(msgspec.Struct):
    status: str


@get("/ping", include_in_schema=False)
async def ping() -> Pong:
    """A JSON answer that touches nothing: the framework's own ceiling in benchmarks."""
    return Pong(status="ok")


@get("/", include_in_schema=False)
async def home() -> Template:
    return Template(template_name="home.html")


def _configure_templates(engine: JinjaTemplateEngine) -> None:
    """Templates mark their texts with `_()`/`ngettext()`, translated into each page's
    language (see `survey_server.i18n.jinja`)."""
    install_i18n(engine.engine)


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the app for `settings` (from the environment when omitted)."""
    settings = settings or Settings.from_env()
    engine = create_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await start_engine(engine)
        worker: ReportWorker | None = None
        mailer: OutreachWorker | None = None
        try:
            await prepare(engine)  # a fresh database gets its schema on first start
            if settings.report_worker:
                worker = ReportWorker(engine, settings)
                worker.start()
            app.state.report_worker = worker
            if settings.outreach.worker:
                mailer = OutreachWorker(engine, settings)
                mailer.start()
            app.state.outreach_worker = mailer
            yield
        finally:
            if mailer is not None:
                await mailer.stop()
            if worker is not None:
                await worker.stop()
            await stop_engine(engine)

    return Litestar(
        route_handlers=[
            healthz,
            ping,
            home,
            *API_HANDLERS,
            *FORM_HANDLERS,
            *CODE_HANDLERS,
            *OPT_OUT_HANDLERS,
            staff_router(),
            create_static_files_router(path="/static", directories=[STATIC_DIR]),
        ],
        exception_handlers={**EXCEPTION_HANDLERS, **STAFF_EXCEPTION_HANDLERS},  # type: ignore[arg-type]
        lifespan=[lifespan],
        before_request=refuse_hostile_input,
        state=State(
            {
                "settings": settings,
                "engine": engine,
                "engine_name": parse_database_url(settings.database_url).engine,
                "report_worker": None,
                "outreach_worker": None,
            }
        ),
        template_config=TemplateConfig(
            directory=TEMPLATES_DIR,
            engine=JinjaTemplateEngine,
            engine_callback=_configure_templates,
        ),
        request_max_body_size=settings.max_body_bytes,
        debug=settings.debug,
    )
