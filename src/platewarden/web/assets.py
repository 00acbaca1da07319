"""The console's own static files (and the npm libraries copied beside them), and the
language switch. Both are public: they hold no data."""

from __future__ import annotations

from pathlib import Path as FsPath

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from platewarden.api.cookies import LANG_COOKIE, set_cookie
from platewarden.api.deps import public
from platewarden.services.errors import NotFound
from platewarden.web.i18n import LANGUAGES

router = APIRouter(prefix="/console", include_in_schema=False)
STATIC = FsPath(__file__).parent / "static"
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png",
               ".svg": "image/svg+xml", ".geojson": "application/geo+json"}
LANG_COOKIE_TTL_S = 365 * 24 * 3600


def static_file(relative: str) -> FsPath:
    """A file under the static folder, or ``NotFound`` (no escaping it, no other types)."""
    path = (STATIC / relative).resolve()
    if (not path.is_relative_to(STATIC.resolve()) or path.suffix not in MEDIA_TYPES
            or not path.is_file()):
        raise NotFound("No such file.")
    return path


@router.get("/static/{relative:path}", dependencies=[Depends(public)])
def static(relative: str = Path(max_length=200)) -> FileResponse:
    """A stylesheet, script, image or the regions' GeoJSON."""
    path = static_file(relative)
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix])


@router.get("/lang/{language}", dependencies=[Depends(public)])
def switch_language(request: Request, language: str = Path(max_length=8),
                    back: str = Query(default="/console/", max_length=300)) -> Response:
    """Remember the chosen language and go back to the page it was chosen on."""
    # Only back into the console: never an open redirect to another site.
    target = back if back.startswith("/console/") and "//" not in back else "/console/"
    response = RedirectResponse(target, status_code=303)
    if language in LANGUAGES:
        set_cookie(response, request, name=LANG_COOKIE, value=language,
                   max_age_s=LANG_COOKIE_TTL_S)
    return response
