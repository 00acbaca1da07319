"""The console's three languages say the same things, in each locale's formats."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from platewarden.web.i18n import LANGUAGES, Translator, catalogue, pick_language

WEB = Path(__file__).resolve().parents[3] / "src" / "platewarden" / "web"
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_.0-9-]+)["']""")


def test_every_language_has_every_message() -> None:
    english = set(catalogue("en"))
    for language in LANGUAGES:
        assert set(catalogue(language)) == english, language
        assert all(text.strip() for text in catalogue(language).values()), language


def test_every_message_a_template_names_exists() -> None:
    named = set()
    for path in [*WEB.glob("templates/*.html"), *WEB.glob("public/*.html"), *WEB.glob("*.py")]:
        named |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    named |= set(re.findall(r'label="(nav\.[a-z]+)"', (WEB / "render.py").read_text()))
    assert len(named) > 50
    missing = {key for key in named if not key.endswith((".", "_"))} - set(catalogue("en"))
    assert not missing


@pytest.mark.parametrize(("language", "number", "month"), [
    ("en", "12,345.6", "Nov"),
    ("ru", "12\u00a0345,6", "нояб"),
    ("uz", "12\u00a0345,6", "noy"),
])
def test_numbers_and_dates_follow_the_locale(language: str, number: str, month: str) -> None:
    t = Translator(language=language, utc_offset_hours=5)
    assert t.number(12345.6, digits=1) == number
    shown = t.datetime(datetime(2026, 11, 26, 17, 30, tzinfo=UTC))
    # CLDR's exact spacing changes between Babel releases; the parts do not.
    assert all(part in shown for part in ("26", month, "2026", "22:30"))


def test_placeholders_are_filled_and_unknown_keys_shown_as_is() -> None:
    t = Translator(language="ru", utc_offset_hours=5)
    assert t("start.hello", name="ann") == "Вы вошли как ann."
    assert t("no.such.key") == "no.such.key"


@pytest.mark.parametrize(("cookie", "header", "chosen"), [
    ("ru", "en-GB,en;q=0.9", "ru"),
    (None, "ru-RU,ru;q=0.9,en;q=0.5", "ru"),
    ("xx", "de-DE,en;q=0.5", "en"),
    (None, None, "uz"),
])
def test_language_from_cookie_then_browser(cookie: str | None, header: str | None,
                                           chosen: str) -> None:
    assert pick_language(cookie, header) == chosen
