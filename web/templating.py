"""The Jinja2 environment shared by every page."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

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


@lru_cache(maxsize=256)
def _options_html(pairs: tuple[tuple[str, str], ...]) -> str:
    return "".join(f'<option value="{escape(v)}">{escape(label)}</option>' for v, label in pairs)


def select_options(pairs: tuple[tuple[str, str], ...], selected: str | None) -> Markup:
    """<option>s for a long list (countries, groups), rendered once per list and reused:
    the directory renders ~800 of them per request, which cost ~10 ms in a Jinja loop."""
    html = _options_html(pairs)
    if selected:
        mark = f'value="{escape(selected)}">'
        html = html.replace(mark, f'value="{escape(selected)}" selected>', 1)
    return Markup(html)


templates.env.globals["select_options"] = select_options
