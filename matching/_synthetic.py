"""A seeded synthetic network for timing and evaluating the matcher (private helper).

Organisations belong to latent communities (a sector, a few sourcing countries, a few
risk themes and their own jargon); tags, text and most relationships follow the community,
with noise. Group sizes are heavy-tailed and a few networks have thousands of members.

Examples
--------
>>> orgs, edges = make_network(200, seed=1)
>>> len(orgs) > 200, sum(e.type == "member_of" for e in edges) > 0
(True, True)
"""

from __future__ import annotations

import numpy as np

from matching.records import EdgeRecord, OrgRecord

__all__ = ["make_network"]

THEMES = (
    "child-labour forced-labour living-wage freedom-of-association health-and-safety "
    "gender-equality land-rights indigenous-peoples pollution climate deforestation water "
    "animal-welfare corruption conflict-minerals privacy grievance-mechanisms "
    "responsible-purchasing"
).split()
SECTORS = (
    "garment-and-textile banking insurance pension-funds food-products floriculture "
    "natural-stone gold metals forestry vegetable-proteins electronics renewable-energy "
    "agriculture chemicals logistics retail"
).split()
COUNTRIES = (
    "BD IN CN VN TR PK KH MM ID TH BR CO PE GH CI NG ET KE UG TZ ZA CD ZM MA EG MX GT HN NI EC "
    "BO CL AR PH MY LK NP UZ KZ RU UA RO PL DE NL BE FR ES IT PT US CA"
).split()
STAKEHOLDER_KINDS = (
    "union ngo initiative government knowledge_institute industry_association".split()
)
OFFER_WORDS = "training audits research advocacy mediation remedy data certification".split()


def _words(rng: np.random.Generator, n: int) -> list[str]:
    consonants, vowels = list("bdfgklmnprstvz"), list("aeiou")
    out: set[str] = set()
    while len(out) < n:
        k = int(rng.integers(2, 4))
        out.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(k)))
    return sorted(out)


def make_network(
    n_orgs: int, *, seed: int = 0, edges_per_org: float = 10.0
) -> tuple[list[OrgRecord], list[EdgeRecord]]:
    """Generate ``n_orgs`` organisations (plus groups) and about ``edges_per_org`` × n edges.

    Parameters
    ----------
    n_orgs : int
        Companies and stakeholders; groups come on top (about 2 %).
    seed : int
    edges_per_org : float

    Returns
    -------
    (list of OrgRecord, list of EdgeRecord)

    Examples
    --------
    >>> orgs, _ = make_network(50, seed=0)
    >>> orgs == make_network(50, seed=0)[0]
    True
    """
    rng = np.random.default_rng(seed)
    vocab = _words(rng, 3000)
    n_comm = max(2, n_orgs // 80)
    comm_sector = rng.integers(0, len(SECTORS), n_comm)
    comm_countries = [rng.choice(len(COUNTRIES), 4, replace=False) for _ in range(n_comm)]
    comm_themes = [rng.choice(len(THEMES), 3, replace=False) for _ in range(n_comm)]
    comm_words = [rng.choice(len(vocab), 25, replace=False) for _ in range(n_comm)]
    zipf = 1.0 / np.arange(1, len(vocab) + 1)
    zipf /= zipf.sum()

    community = rng.integers(0, n_comm, n_orgs)
    is_company = rng.random(n_orgs) < 0.72
    orgs: list[OrgRecord] = []
    for i in range(n_orgs):
        c = community[i]
        kind = "company" if is_company[i] else str(rng.choice(STAKEHOLDER_KINDS))
        themes = {THEMES[t] for t in rng.choice(comm_themes[c], int(rng.integers(1, 4)))}
        if rng.random() < 0.3:
            themes.add(THEMES[int(rng.integers(len(THEMES)))])
        countries = {COUNTRIES[x] for x in rng.choice(comm_countries[c], int(rng.integers(1, 4)))}
        if rng.random() < 0.3:
            countries.add(COUNTRIES[int(rng.integers(len(COUNTRIES)))])
        sectors = {SECTORS[comm_sector[c]]}
        if rng.random() < 0.2:
            sectors.add(SECTORS[int(rng.integers(len(SECTORS)))])
        jargon = [vocab[w] for w in rng.choice(comm_words[c], 8)]
        filler = [vocab[w] for w in rng.choice(len(vocab), 25, p=zipf)]
        theme_words = [t.replace("-", " ") for t in sorted(themes)]
        description = " ".join(jargon + filler + theme_words)
        offer_theme = str(rng.choice(theme_words))
        offers = (
            f"{rng.choice(OFFER_WORDS)} on {offer_theme}"
            if kind != "company"
            else f"{rng.choice(OFFER_WORDS)} data"
        )
        seeks = (
            f"{rng.choice(OFFER_WORDS)} on {rng.choice(theme_words)}" if kind == "company" else ""
        )
        orgs.append(
            OrgRecord(
                slug=f"org-{i:06d}",
                kind=kind,
                name=f"Org {i}",
                description=description,
                offers=offers,
                seeks=seeks,
                sectors=tuple(sorted(sectors)),
                countries=tuple(sorted(countries)),
                themes=tuple(sorted(themes)),
                open_to_introductions=bool(rng.random() > 0.03),
            )
        )

    edges: list[EdgeRecord] = []
    members_of_comm = [np.flatnonzero(community == c) for c in range(n_comm)]
    # A few mega networks, then heavy-tailed covenants and programmes tied to communities.
    n_networks = 3 if n_orgs >= 2000 else 1
    for g in range(n_networks):
        slug = f"network-{g}"
        orgs.append(OrgRecord(slug, "network", name=f"Network {g}"))
        share = 0.35 if g == 0 else 0.12
        for member in np.flatnonzero(rng.random(n_orgs) < share).tolist():
            edges.append(EdgeRecord(f"org-{member:06d}", slug, "member_of"))
    n_groups = max(2, n_orgs // 40)
    for g in range(n_groups):
        kind = "covenant" if g % 3 == 0 else "programme"
        slug = f"{kind}-{g}"
        orgs.append(OrgRecord(slug, kind, name=f"{kind} {g}"))
        size = int(min(n_orgs // 4, 3 + rng.pareto(1.3) * 8))
        pool = members_of_comm[int(rng.integers(n_comm))]
        local = rng.choice(pool, min(size, pool.size), replace=False)
        other = rng.choice(n_orgs, max(0, size - local.size) + size // 5, replace=False)
        for member in np.unique(np.concatenate([local, other])).tolist():
            active = bool(rng.random() > 0.05)
            edges.append(EdgeRecord(f"org-{member:06d}", slug, "member_of", active=active))

    n_links = int(max(0, edges_per_org * n_orgs - len(edges)))
    types = np.array(["partner", "supplier_of", "introduced"])
    # 70 % of links inside the community, the rest uniform.
    by_comm = np.argsort(community, kind="stable")
    comm_size = np.bincount(community, minlength=n_comm)
    comm_start = np.r_[0, np.cumsum(comm_size)[:-1]]
    sources = rng.integers(0, n_orgs, n_links)
    c = community[sources]
    local = by_comm[comm_start[c] + (rng.random(n_links) * comm_size[c]).astype(np.int64)]
    targets = np.where(rng.random(n_links) < 0.7, local, rng.integers(0, n_orgs, n_links))
    kinds = rng.choice(types, n_links, p=[0.5, 0.3, 0.2]).astype(object)
    kinds[rng.random(n_links) < 0.003] = "dispute"
    actives = rng.random(n_links) > 0.05
    for u, v, kind, active in zip(
        sources.tolist(), targets.tolist(), kinds.tolist(), actives.tolist(), strict=True
    ):
        if u != v:
            edges.append(EdgeRecord(f"org-{u:06d}", f"org-{v:06d}", kind, active=active))
    return orgs, edges
