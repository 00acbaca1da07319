"""The console's languages: Uzbek (Latin), Russian and English, with locale formats.

Messages live in ``locales/<code>.json`` (one flat mapping each; a test keeps their keys
equal). Dates, times and numbers are formatted with Babel's CLDR data for the chosen locale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path

from babel.dates import format_datetime
from babel.numbers import format_decimal

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES: dict[str, str] = {"uz": "O\u02bbzbekcha", "ru": "Русский", "en": "English"}
BABEL_LOCALE = {"uz": "uz_Latn", "ru": "ru", "en": "en_GB"}
DEFAULT_LANGUAGE = "uz"


@cache
def catalogue(language: str) -> dict[str, str]:
    """The messages of ``language``."""
    path = LOCALES_DIR / f"{language}.json"
    messages: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return messages


def pick_language(cookie: str | None, accept_language: str | None) -> str:
    """The cookie's language, else the first supported one the browser asks for."""
    if cookie in LANGUAGES:
        return cookie
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True, kw_only=True)
class Translator:
    """Messages and formats of one language, in one time zone."""

    language: str
    utc_offset_hours: int

    def __call__(self, key: str, **values: object) -> str:
        """The message ``key``, with ``{name}`` placeholders filled in."""
        text = catalogue(self.language).get(key) or catalogue("en").get(key, key)
        return text.format(**values) if values else text

    @property
    def keys(self) -> dict[str, str]:
        """The messages of this language (templates test ``key in t.keys``)."""
        return catalogue(self.language)

    def datetime(self, value: datetime | None) -> str:
        """A date and time in the installation's zone, in the locale's medium format."""
        if value is None:
            return "—"
        local = value.astimezone(timezone(timedelta(hours=self.utc_offset_hours)))
        return format_datetime(local, format="medium", locale=BABEL_LOCALE[self.language])

    def number(self, value: float | int | None, *, digits: int = 0) -> str:
        """A number with the locale's separators and at most ``digits`` decimals."""
        if value is None:
            return "—"
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=BABEL_LOCALE[self.language])
