"""English and Dutch: gettext catalogues (Babel), the reader's language, dates and numbers.

Messages are written in English in the code and templates; ``convene/locale/nl`` holds the
Dutch catalogue (``messages.po``). ``make install`` compiles it to ``messages.mo``
(``pybabel compile``); if the compiled file is missing (a plain ``pip install``), the
catalogue is compiled in memory from the ``.po`` file at first use.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> NullTranslations:
    if language == DEFAULT_LANGUAGE or language not in LANGUAGES:
        return NullTranslations()
    mo = LOCALE_DIR / language / "LC_MESSAGES" / "messages.mo"
    if mo.exists():
        with mo.open("rb") as handle:
            return Translations(handle, domain="messages")
    po = mo.with_suffix(".po")
    if not po.exists():
        return NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain="messages")


def gettext(message: str, language: str | None = None) -> str:
    return translations(language or current_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int, language: str | None = None) -> str:
    return translations(language or current_language.get()).ngettext(singular, plural, n)


_ = gettext


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an ``Accept-Language`` header; English if it says nothing."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for param in pieces[1:]:
            if param.strip().startswith("q="):
                try:
                    quality = float(param.strip()[2:])
                except ValueError:
                    quality = 0.0
        if tag:
            ranked.append((-quality, position, tag))
    for neg_quality, _position, tag in sorted(ranked):
        if neg_quality >= 0:
            continue
        primary = tag.split("-")[0]
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def locale(language: str | None = None) -> Locale:
    return _locale(language or current_language.get())


@lru_cache(maxsize=8)
def _locale(language: str) -> Locale:
    # parsing a Locale costs ~2 ms; pages format hundreds of dates
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LANGUAGE)


def format_date(value: date | datetime | None, language: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return _long_date(value, language or current_language.get())


@lru_cache(maxsize=4096)
def _long_date(value: date, language: str) -> str:
    # a profile shows dozens of dates, most of them repeated; Babel takes ~30 µs for each
    return babel_format_date(value, format="long", locale=_locale(language))


def format_datetime(value: datetime | None, language: str | None = None) -> str:
    if value is None:
        return ""
    return babel_format_datetime(value, format="medium", locale=locale(language))


def format_number(value: float | int, language: str | None = None) -> str:
    return format_decimal(value, locale=locale(language))


def N_(message: str) -> str:  # noqa: N802 (gettext convention)
    """Mark a message for extraction where it is defined; translate it where it is used."""
    return message
