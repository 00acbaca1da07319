"""Rendering console pages: Jinja2 templates with the user's language and CSRF token."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from platewarden.api.cookies import LANG_COOKIE, LOGIN_COOKIE, SESSION_COOKIE, csrf_token_for
from platewarden.api.deps import container_of
from platewarden.domain.access import Permission
from platewarden.services.accounts import Principal
from platewarden.web.i18n import LANGUAGES, Translator, pick_language

TEMPLATES = Path(__file__).parent / "templates"
# Pages run only their own scripts and styles, talk only to their own origin, and may not
# be framed; evidence images come from the same origin.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                   trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class NavItem:
    """A page in the navigation, shown only to those holding its permission."""

    path: str
    label: str
    permission: Permission | None


NAV = (
    NavItem(path="/console/live", label="nav.overview", permission=Permission.CAMERAS_READ),
    NavItem(path="/console/review", label="nav.review", permission=Permission.VIOLATIONS_REVIEW),
    NavItem(path="/console/appeals", label="nav.appeals",
            permission=Permission.VIOLATIONS_REVIEW),
    NavItem(path="/console/notices", label="nav.notices", permission=Permission.VIOLATIONS_READ),
    NavItem(path="/console/payments", label="nav.payments",
            permission=Permission.PAYMENTS_RESOLVE),
    NavItem(path="/console/alerts", label="nav.alerts", permission=Permission.ALERTS_READ),
    NavItem(path="/console/search", label="nav.search", permission=Permission.READS_SEARCH),
    NavItem(path="/console/cameras", label="nav.cameras", permission=Permission.CAMERAS_READ),
    NavItem(path="/console/approvals", label="nav.approvals",
            permission=Permission.SEARCH_APPROVE),
    NavItem(path="/console/hotlists", label="nav.hotlists",
            permission=Permission.HOTLIST_PROPOSE),
    NavItem(path="/console/users", label="nav.users", permission=Permission.USERS_MANAGE),
    NavItem(path="/console/audit", label="nav.audit", permission=Permission.AUDIT_READ),
    NavItem(path="/console/privacy", label="nav.privacy", permission=Permission.PRIVACY_READ),
)


def translator(request: Request) -> Translator:
    """The translator for the request's language."""
    language = pick_language(request.cookies.get(LANG_COOKIE),
                             request.headers.get("accept-language"))
    offset = container_of(request).settings.misuse_utc_offset_hours
    return Translator(language=language, utc_offset_hours=offset)


def principal_of(request: Request) -> Principal | None:
    """The signed-in user, once a page dependency has resolved it."""
    principal: Principal | None = getattr(request.state, "principal", None)
    return principal


def csrf_of(request: Request) -> str:
    """The CSRF token forms on this page must carry (session's, else the login cookie's)."""
    secret = request.cookies.get(SESSION_COOKIE) if principal_of(request) else None
    secret = secret or getattr(request.state, "login_secret", None)
    secret = secret or request.cookies.get(LOGIN_COOKIE)
    return csrf_token_for(secret) if secret else ""


def render(request: Request, template: str, *, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """The page ``template`` rendered for this request's user and language."""
    principal = principal_of(request)
    nav = [item for item in NAV
           if principal is not None and (item.permission is None
                                         or item.permission in principal.permissions)]
    html = _env.get_template(template).render(
        request=request, t=translator(request), principal=principal, nav=nav,
        csrf=csrf_of(request), languages=LANGUAGES, here=request.url.path, **context)
    response = HTMLResponse(html, status_code=status_code)
    response.headers["content-security-policy"] = PAGE_CSP
    return response
