"""The portfolio page: every pilot the user can see, with its verdict, open concerns,
decision and last data, sorted on the server (`?sort=` and `?order=`)."""

from __future__ import annotations

from litestar import Request, get
from litestar.datastructures import State
from litestar.params import FromQuery
from litestar.response import Template

from survey_server.i18n.lazy import lazy_gettext
from survey_server.inputs import one_of
from survey_server.services import accounts, portfolio
from survey_server.web.staff_auth import SignedIn, page
from survey_server.web.staff_pilots import reader_languages
from survey_server.web.staff_reports import verdict_words


@get("/staff/portfolio", include_in_schema=False)
async def portfolio_page(
    request: Request,
    state: State,
    session: SignedIn,
    sort: FromQuery[str] = "",
    order: FromQuery[str] = "",
) -> Template:
    accounts.require(session.user, "decisions.view")
    sort = one_of(sort, "sort", portfolio.SORTS, default=portfolio.SORTS[0])
    descending = one_of(order, "order", ("asc", "desc"), default="asc") == "desc"
    rows = await portfolio.portfolio(
        state.engine,
        session.user,
        state.settings.reports_dir,
        sort=sort,
        descending=descending,
        languages=reader_languages(request),
    )
    return page(
        session,
        "portfolio.html",
        lazy_gettext("Portfolio"),
        rows=rows,
        sort=sort,
        descending=descending,
        sorts=portfolio.SORTS,
        verdicts=verdict_words(),
    )


PORTFOLIO_HANDLERS = [portfolio_page]
