"""Reasons as sentences a coordinator can check, in English or Dutch."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from convene.i18n import N_, gettext
from convene.vocabulary.service import Vocabulary, countries

TEMPLATES: dict[str, str] = {
    "shared_group": N_("Both in the {group}"),
    "common_partner": N_("Both work with {organisation}"),
    "shared_sector": N_("Both in {sector}"),
    "shared_country": N_("Both active in {country}"),
    "shared_theme": N_("Both work on {theme}"),
    "theme_in_country": N_("Works on {theme} in {country}, where you operate or source"),
    "seeks_offers:offers": N_("Offers what you seek: {terms}"),
    "seeks_offers:seeks": N_("Seeks what you offer: {terms}"),
    "shared_terms": N_("Both profiles mention {terms}"),
    "cross_network": N_("Meet across networks: a member of {network}"),
}


@dataclass
class Names:
    """What a reason's slugs and codes are called, for one reader's language."""

    organisations: Mapping[str, str]
    vocabulary: Vocabulary
    language: str = "en"

    def theme(self, slug: str) -> str:
        term = self.vocabulary.themes.get(slug)
        return term.name(self.language).lower() if term else slug

    def sector(self, slug: str) -> str:
        term = self.vocabulary.sectors.get(slug)
        return term.name(self.language).lower() if term else slug

    def country(self, code: str) -> str:
        return countries(self.language).get(code, code)

    def organisation(self, slug: str) -> str:
        return self.organisations.get(slug, slug)


def render(code: str, params: Mapping[str, str], names: Names) -> str:
    """One reason as a sentence; unknown codes fall back to the code and its parameters."""
    key = f"{code}:{params.get('direction', 'offers')}" if code == "seeks_offers" else code
    msgid = TEMPLATES.get(key)
    if msgid is None:
        return f"{code}: " + ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
    values = {
        "group": names.organisation(params.get("group", "")),
        "organisation": names.organisation(params.get("organisation", "")),
        "network": names.organisation(params.get("network", "")),
        "sector": names.sector(params.get("sector", "")),
        "country": names.country(params.get("country", "")),
        "theme": names.theme(params.get("theme", "")),
        "terms": params.get("terms", ""),
    }
    return gettext(msgid, names.language).format(**values)
