"""The Jinja2 environment shared by every page."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from convene import i18n

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

environment = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR)),
    autoescape=select_autoescape(default=True),
    extensions=["jinja2.ext.i18n"],
)
templates = Jinja2Templates(env=environment)
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=lambda message: i18n.gettext(message),
    ngettext=lambda singular, plural, n: i18n.ngettext(singular, plural, n),
    newstyle=True,
)
templates.env.filters["date"] = lambda value: i18n.format_date(value)
templates.env.filters["datetime"] = lambda value: i18n.format_datetime(value)
templates.env.filters["number"] = lambda value: i18n.format_number(value)
templates.env.filters["term_options"] = lambda terms: [
    (slug, term.name(i18n.current_language.get())) for slug, term in terms.items()
]
