"""Write a large synthetic Convene network in the import format of ``docs/formats.md``.

``python benchmarks/synthetic.py --orgs 25000 --out DIR [--seed 0]`` writes
``organisations.csv``, ``relationships.csv`` and ``contacts.csv`` into ``DIR``.

Shape of the network (about ten relationships per organisation):

* about 2% of the organisations are groups (covenants, networks, programmes) whose sizes
  follow a Zipf-like law: the largest hold 10-30% of all organisations, most have a few
  dozen members;
* about 75% are companies, the rest are unions, NGOs, initiatives, governments,
  knowledge institutes and industry associations;
* sectors and themes come from ``seed_data/vocabulary.json``, countries from pycountry
  (with popular sourcing countries weighted up);
* ``partner`` / ``supplier_of`` / ``introduced`` links grow by preferential attachment:
  each organisation links to a few earlier ones, picked in proportion to their degree
  most of the time, so degrees are heavy-tailed; a handful of ``dispute`` links;
* about one contact per organisation, at ``example.org``.

Rows are streamed to disk; memory stays small (the degree list is a compact int array).
Import ``generate`` to use it from other code.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from array import array
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any, Protocol

VOCABULARY_FILE = Path(__file__).resolve().parent.parent / "seed_data" / "vocabulary.json"

ORGANISATION_COLUMNS = [
    "slug",
    "name",
    "kind",
    "description",
    "offers",
    "seeks",
    "sectors",
    "countries",
    "themes",
    "size_band",
    "website",
    "open_to_introductions",
]
RELATIONSHIP_COLUMNS = ["source", "target", "type", "since", "until"]
CONTACT_COLUMNS = ["organisation", "name", "role", "email", "phone", "language", "digest"]

GROUP_SHARE = 0.02
COMPANY_SHARE = 0.75
RELATIONSHIPS_PER_ORG = 10.0
LARGEST_GROUP_SHARE = 0.25
GROUP_KINDS = (("covenant", 0.5), ("network", 0.3), ("programme", 0.2))
STAKEHOLDER_KINDS = (
    ("ngo", 0.35),
    ("union", 0.15),
    ("initiative", 0.12),
    ("government", 0.08),
    ("knowledge_institute", 0.15),
    ("industry_association", 0.15),
)
SIZE_BANDS = (("micro", 0.1), ("small", 0.3), ("medium", 0.3), ("large", 0.2), ("enterprise", 0.1))
PREFIX = {
    "company": "co",
    "ngo": "ngo",
    "union": "un",
    "initiative": "ini",
    "government": "gov",
    "knowledge_institute": "ki",
    "industry_association": "ia",
    "covenant": "cov",
    "network": "net",
    "programme": "prog",
}
# Sourcing countries that dominate real due-diligence data; all others get weight 1.
POPULAR_COUNTRIES = {
    "BD": 12,
    "IN": 14,
    "CN": 16,
    "TR": 8,
    "PK": 6,
    "VN": 8,
    "KH": 4,
    "MM": 3,
    "ID": 8,
    "BR": 9,
    "CI": 5,
    "GH": 5,
    "KE": 5,
    "ET": 4,
    "CO": 4,
    "PE": 4,
    "CD": 4,
    "ZA": 4,
    "NL": 10,
    "DE": 3,
    "US": 5,
    "MY": 4,
    "TH": 4,
    "PH": 3,
    "MX": 3,
}
START = date(2015, 1, 1)
SPAN_DAYS = (date(2026, 11, 20) - START).days
WORDS_A = ("Noord", "Zuid", "Oost", "West", "Hoog", "Laag", "Groot", "Nieuw", "Oud", "Klein")
WORDS_B = ("veld", "dijk", "haven", "berg", "dal", "brug", "hof", "land", "meer", "waard")
FIRST = (
    "Anna",
    "Daan",
    "Sanne",
    "Ruben",
    "Priya",
    "Kwame",
    "María",
    "Wei",
    "Lotte",
    "Jeroen",
    "Amina",
    "Carlos",
    "Fleur",
    "Tanvir",
    "Grace",
    "Lukas",
)
LAST = (
    "de Vries",
    "Jansen",
    "Bakker",
    "Sharma",
    "Mensah",
    "González",
    "Zhang",
    "Visser",
    "Hossain",
    "Okafor",
    "Smit",
    "Becker",
    "Meijer",
    "Nair",
    "Diallo",
    "Mulder",
)
ROLES = (
    "CSR manager",
    "Policy adviser",
    "Programme manager",
    "Head of sustainable sourcing",
    "Researcher",
    "International secretary",
    "Coordinator",
)


class RowWriter(Protocol):
    def writerow(self, row: Sequence[Any], /) -> Any: ...


def _country_codes() -> list[str]:
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is a project dependency
        return sorted(POPULAR_COUNTRIES)
    return sorted(str(c.alpha_2) for c in pycountry.countries)


class _Picker:
    """Weighted choice with precomputed cumulative weights (fast for repeated draws)."""

    def __init__(self, items: Sequence[tuple[str, float]]) -> None:
        self.values = [value for value, _ in items]
        self.cum = list(accumulate(weight for _, weight in items))

    def one(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cum, k=1)[0]

    def some(self, rng: random.Random, k: int) -> list[str]:
        drawn = rng.choices(self.values, cum_weights=self.cum, k=k)
        return list(dict.fromkeys(drawn))


def _date(rng: random.Random, later: float = 1.0) -> date:
    return START + timedelta(days=int(SPAN_DAYS * rng.random() ** later))


def _group_sizes(n_groups: int, n_members: int) -> list[int]:
    """Zipf-like sizes: the largest group holds LARGEST_GROUP_SHARE of the members."""
    largest = LARGEST_GROUP_SHARE * n_members
    return [max(5, min(n_members, int(largest / (rank + 1) ** 1.15))) for rank in range(n_groups)]


def generate(n_orgs: int, out_dir: Path, seed: int = 0) -> dict[str, int]:
    """Write a synthetic network of ``n_orgs`` organisations; return row counts per file.

    Examples
    --------
    >>> import tempfile
    >>> counts = generate(200, Path(tempfile.mkdtemp()), seed=1)
    >>> counts["organisations"]
    200
    """
    if n_orgs < 20:
        raise ValueError("n_orgs must be at least 20")
    rng = random.Random(seed)
    vocabulary = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    sector_picker = _Picker(
        [(t["slug"], 1.0 / (i + 1) ** 0.6) for i, t in enumerate(vocabulary["sectors"])]
    )
    theme_picker = _Picker(
        [(t["slug"], 1.0 / (i + 1) ** 0.4) for i, t in enumerate(vocabulary["themes"])]
    )
    theme_names = {t["slug"]: t["en"].lower() for t in vocabulary["themes"]}
    country_picker = _Picker(
        [(code, float(5 * POPULAR_COUNTRIES.get(code, 0) or 1)) for code in _country_codes()]
    )
    size_picker = _Picker([(s, w) for s, w in SIZE_BANDS])
    stakeholder_picker = _Picker(list(STAKEHOLDER_KINDS))
    group_kind_picker = _Picker(list(GROUP_KINDS))

    n_groups = max(3, round(n_orgs * GROUP_SHARE))
    n_members = n_orgs - n_groups  # organisations that are not groups
    n_companies = min(n_members, round(n_orgs * COMPANY_SHARE))

    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {"organisations": 0, "relationships": 0, "contacts": 0}
    slugs: list[str] = []
    with (
        (out_dir / "organisations.csv").open("w", encoding="utf-8", newline="") as org_file,
        (out_dir / "contacts.csv").open("w", encoding="utf-8", newline="") as contact_file,
    ):
        orgs = csv.writer(org_file, lineterminator="\n")
        contacts = csv.writer(contact_file, lineterminator="\n")
        orgs.writerow(ORGANISATION_COLUMNS)
        contacts.writerow(CONTACT_COLUMNS)
        for index in range(n_orgs):
            if index < n_members:
                kind = "company" if index < n_companies else stakeholder_picker.one(rng)
            else:
                kind = group_kind_picker.one(rng)
            slug = f"{PREFIX[kind]}-{index:06d}"
            slugs.append(slug)
            name = (
                f"{rng.choice(WORDS_A)}{rng.choice(WORDS_B)} "
                f"{kind.replace('_', ' ').title()} {index}"
            )
            sectors = sector_picker.some(rng, 1 + (rng.random() < 0.3))
            countries = country_picker.some(rng, rng.randint(1, 4))
            themes = theme_picker.some(rng, rng.randint(1, 4))
            is_group = index >= n_members
            theme_text = " and ".join(theme_names[t] for t in themes[:2])
            orgs.writerow(
                [
                    slug,
                    name,
                    kind,
                    f"{name} works on {theme_text} in {', '.join(countries)}.",
                    f"Experience with {theme_names[themes[0]]}.",
                    f"Partners on {theme_names[themes[-1]]} in {countries[0]}.",
                    ";".join(sectors),
                    ";".join(countries),
                    ";".join(themes),
                    "" if is_group else size_picker.one(rng),
                    f"https://{slug}.example",
                    "false" if rng.random() < 0.02 else "true",
                ]
            )
            counts["organisations"] += 1
            if is_group:
                continue
            for person in range(1 + (rng.random() < 0.08)):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                contacts.writerow(
                    [
                        slug,
                        f"{first} {last}",
                        rng.choice(ROLES),
                        f"contact{person}.{slug}@example.org",
                        f"+31 6 00 {rng.randint(0, 999999):06d}" if rng.random() < 0.5 else "",
                        "nl" if rng.random() < 0.6 else "en",
                        "never" if rng.random() < 0.15 else "weekly",
                    ]
                )
                counts["contacts"] += 1

    with (out_dir / "relationships.csv").open("w", encoding="utf-8", newline="") as rel_file:
        rels = csv.writer(rel_file, lineterminator="\n")
        rels.writerow(RELATIONSHIP_COLUMNS)
        counts["relationships"] += _write_memberships(rels, rng, slugs, n_members, n_groups)
        budget = max(0, round(RELATIONSHIPS_PER_ORG * n_orgs) - counts["relationships"])
        counts["relationships"] += _write_links(rels, rng, slugs, n_members, n_companies, budget)
    return counts


def _write_memberships(
    rels: RowWriter, rng: random.Random, slugs: list[str], n_members: int, n_groups: int
) -> int:
    written = 0
    population = range(n_members)
    for rank, size in enumerate(_group_sizes(n_groups, n_members)):
        group = slugs[n_members + rank]
        for member in sorted(rng.sample(population, size)):
            since = _date(rng, 0.8)
            ended = rng.random() < 0.05
            until = since + timedelta(days=rng.randint(200, 1500)) if ended else None
            rels.writerow(
                [
                    slugs[member],
                    group,
                    "member_of",
                    since.isoformat(),
                    until.isoformat() if until and until <= date(2026, 11, 20) else "",
                ]
            )
            written += 1
    return written


def _write_links(
    rels: RowWriter,
    rng: random.Random,
    slugs: list[str],
    n_members: int,
    n_companies: int,
    budget: int,
) -> int:
    """Preferential attachment: organisation i links to earlier ones, by degree mostly.

    Each edge (i, j) with j < i is created only while visiting i, and i's targets are kept
    distinct, so no pair is written twice and no pair gets two types.
    """
    if n_members < 2 or budget == 0:
        return 0
    ends = array("i")  # every endpoint of every edge so far: sampling it is by degree
    per_node = budget / (n_members - 1)
    disputes_left = 3 + n_members // 5000
    dispute_every = max(1, n_members // disputes_left)
    written = 0
    for i in range(1, n_members):
        # how many links this organisation starts with: mean per_node, varied
        m = min(i, max(1, int(rng.expovariate(1.0 / per_node) + 0.5)))
        chosen: set[int] = set()
        tries = 0
        while len(chosen) < m and tries < 4 * m:
            tries += 1
            if ends and rng.random() < 0.75:
                j = ends[int(rng.random() * len(ends))]
            else:
                j = int(rng.random() * i)
            if j < i:
                chosen.add(j)
        for j in sorted(chosen):
            both_companies = i < n_companies and j < n_companies
            if disputes_left and i % dispute_every == 0 and j == min(chosen):
                type_ = "dispute"
                disputes_left -= 1
            elif both_companies and rng.random() < 0.45:
                type_ = "supplier_of"
            elif rng.random() < 0.06:
                type_ = "introduced"
            else:
                type_ = "partner"
            if type_ == "supplier_of" and rng.random() < 0.5:
                source, target = slugs[j], slugs[i]
            elif type_ == "supplier_of":
                source, target = slugs[i], slugs[j]
            else:  # symmetric: alphabetically first slug as source
                source, target = sorted((slugs[i], slugs[j]))
            since = _date(rng, 0.7)
            until = ""
            if type_ in ("partner", "supplier_of") and rng.random() < 0.12:
                end = since + timedelta(days=rng.randint(200, 1500))
                until = end.isoformat() if end <= date(2026, 11, 20) else ""
            rels.writerow([source, target, type_, since.isoformat(), until])
            ends.append(i)
            ends.append(j)
            written += 1
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--orgs", type=int, default=25000, help="number of organisations")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.orgs, args.out, args.seed)
    elapsed = time.perf_counter() - started
    print(", ".join(f"{k}: {v}" for k, v in counts.items()), f"in {elapsed:.1f}s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
