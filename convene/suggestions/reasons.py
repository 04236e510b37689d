"""Reasons as sentences a coordinator can check, in English or Dutch."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from convene.vocabulary.service import Vocabulary, countries

TEMPLATES: dict[str, dict[str, str]] = {
    "shared_group": {"en": "Both in the {group}", "nl": "Beide in {group}"},
    "common_partner": {
        "en": "Both work with {organisation}",
        "nl": "Werken allebei met {organisation}",
    },
    "shared_sector": {"en": "Both in {sector}", "nl": "Beide actief in {sector}"},
    "shared_country": {"en": "Both active in {country}", "nl": "Beide actief in {country}"},
    "shared_theme": {"en": "Both work on {theme}", "nl": "Werken allebei aan {theme}"},
    "theme_in_country": {
        "en": "Works on {theme} in {country}, where you operate or source",
        "nl": "Werkt aan {theme} in {country}, waar u actief bent of inkoopt",
    },
    "seeks_offers:offers": {
        "en": "Offers what you seek: {terms}",
        "nl": "Biedt wat u zoekt: {terms}",
    },
    "seeks_offers:seeks": {
        "en": "Seeks what you offer: {terms}",
        "nl": "Zoekt wat u biedt: {terms}",
    },
    "shared_terms": {"en": "Both profiles mention {terms}", "nl": "Beide profielen noemen {terms}"},
    "cross_network": {
        "en": "Meet across networks: a member of {network}",
        "nl": "Over netwerken heen: lid van {network}",
    },
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
    template = TEMPLATES.get(key, {}).get(names.language) or TEMPLATES.get(key, {}).get("en")
    if template is None:
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
    return template.format(**values)
