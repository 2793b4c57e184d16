"""The staff workspace as one router: every page needs a signed-in session (`session`)."""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from survey_server.web.staff_admin import ADMIN_HANDLERS
from survey_server.web.staff_api import STAFF_API_HANDLERS
from survey_server.web.staff_auth import AUTH_HANDLERS, require_session
from survey_server.web.staff_concerns import CONCERN_HANDLERS
from survey_server.web.staff_decisions import DECISION_HANDLERS
from survey_server.web.staff_errors import STAFF_EXCEPTION_HANDLERS
from survey_server.web.staff_margin import MARGIN_HANDLERS
from survey_server.web.staff_outreach import OUTREACH_HANDLERS
from survey_server.web.staff_pilots import PILOT_HANDLERS
from survey_server.web.staff_portfolio import PORTFOLIO_HANDLERS
from survey_server.web.staff_questionnaires import QUESTIONNAIRE_HANDLERS
from survey_server.web.staff_reports import REPORT_HANDLERS
from survey_server.web.staff_schedule import SCHEDULE_HANDLERS
from survey_server.web.staff_sessions import SESSION_HANDLERS


def staff_router() -> Router:
    return Router(
        path="/",
        route_handlers=[
            *AUTH_HANDLERS,
            *PILOT_HANDLERS,
            *MARGIN_HANDLERS,
            *QUESTIONNAIRE_HANDLERS,
            *SCHEDULE_HANDLERS,
            *REPORT_HANDLERS,
            *SESSION_HANDLERS,
            *ADMIN_HANDLERS,
            *STAFF_API_HANDLERS,
            *OUTREACH_HANDLERS,
            *CONCERN_HANDLERS,
            *DECISION_HANDLERS,
            *PORTFOLIO_HANDLERS,
        ],
        dependencies={"session": Provide(require_session)},
        exception_handlers=STAFF_EXCEPTION_HANDLERS,  # type: ignore[arg-type]
    )
