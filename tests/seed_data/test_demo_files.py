"""The committed demo network: counts, referential integrity, vocabulary, determinism."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pycountry
import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED_DATA = ROOT / "seed_data"
DEMO = SEED_DATA / "demo"
FILES = ("organisations.csv", "relationships.csv", "contacts.csv")
GROUP_KINDS = {"covenant", "network", "programme"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
RELATIONSHIP_TYPES = {"member_of", "partner", "supplier_of", "introduced", "dispute"}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def organisations() -> list[dict[str, str]]:
    return read(DEMO / "organisations.csv")


@pytest.fixture(scope="module")
def relationships() -> list[dict[str, str]]:
    return read(DEMO / "relationships.csv")


@pytest.fixture(scope="module")
def contacts() -> list[dict[str, str]]:
    return read(DEMO / "contacts.csv")


@pytest.fixture(scope="module")
def vocabulary() -> dict[str, set[str]]:
    data = json.loads((SEED_DATA / "vocabulary.json").read_text(encoding="utf-8"))
    return {key: {term["slug"] for term in terms} for key, terms in data.items()}


def split(value: str) -> list[str]:
    return [v for v in value.split(";") if v]


def test_vocabulary_shape(vocabulary: dict[str, set[str]]) -> None:
    assert vocabulary["size_bands"] == {"micro", "small", "medium", "large", "enterprise"}
    assert len(vocabulary["themes"]) == 18
    assert {"garment-textile", "natural-stone", "gold", "banking"} <= vocabulary["sectors"]
    for slugs in vocabulary.values():
        assert all(SLUG.match(slug) for slug in slugs)


def test_counts_by_kind(organisations: list[dict[str, str]]) -> None:
    kinds = Counter(o["kind"] for o in organisations)
    stakeholders = sum(
        n for kind, n in kinds.items() if kind != "company" and kind not in GROUP_KINDS
    )
    assert kinds["company"] >= 150
    assert stakeholders >= 45
    assert kinds["union"] >= 8
    assert kinds["ngo"] >= 20
    assert kinds["covenant"] >= 11
    assert kinds["network"] == 2 and kinds["programme"] == 1


def test_slugs_unique_and_valid(organisations: list[dict[str, str]]) -> None:
    slugs = [o["slug"] for o in organisations]
    assert len(slugs) == len(set(slugs))
    assert all(SLUG.match(s) and len(s) <= 100 for s in slugs)
    assert all(0 < len(o["name"]) <= 200 for o in organisations)


def test_tags_valid(organisations: list[dict[str, str]], vocabulary: dict[str, set[str]]) -> None:
    for org in organisations:
        assert set(split(org["sectors"])) <= vocabulary["sectors"], org["slug"]
        assert set(split(org["themes"])) <= vocabulary["themes"], org["slug"]
        for code in split(org["countries"]):
            assert pycountry.countries.get(alpha_2=code) is not None, (org["slug"], code)
        assert org["size_band"] in vocabulary["size_bands"] | {""}
        assert org["open_to_introductions"] in {"true", "false"}
        assert re.match(r"^https?://\S+$", org["website"]), org["slug"]
    companies = [o for o in organisations if o["kind"] == "company"]
    assert all(o["website"].endswith(".example") for o in companies)
    assert all(2 <= len(split(o["countries"])) <= 5 for o in companies)


def test_relationships(
    organisations: list[dict[str, str]], relationships: list[dict[str, str]]
) -> None:
    kind = {o["slug"]: o["kind"] for o in organisations}
    assert len(relationships) >= 600
    assert {r["type"] for r in relationships} == RELATIONSHIP_TYPES
    assert 3 <= sum(r["type"] == "dispute" for r in relationships) <= 6
    keys = set()
    for r in relationships:
        assert r["source"] in kind and r["target"] in kind, r
        assert r["source"] != r["target"], r
        ends = (r["source"], r["target"])
        if r["type"] in {"partner", "introduced", "dispute"}:
            ends = (min(ends), max(ends))
        key = (*ends, r["type"])
        assert key not in keys, r
        keys.add(key)
        assert re.match(r"^\d{4}-\d{2}-\d{2}$", r["since"])
        assert "2015-01-01" <= r["since"] <= "2026-12-31"
        assert r["until"] == "" or r["until"] >= r["since"], r
        if r["type"] == "member_of":
            assert kind[r["target"]] in GROUP_KINDS, r
            assert kind[r["source"]] not in GROUP_KINDS, r


def test_groups(relationships: list[dict[str, str]], organisations: list[dict[str, str]]) -> None:
    kind = {o["slug"]: o["kind"] for o in organisations}
    members: dict[str, set[str]] = {}
    for r in relationships:
        if r["type"] == "member_of":
            members.setdefault(r["target"], set()).add(r["source"])
    cohort = members["business-human-rights-accelerator"]
    assert len(cohort) == 26 and all(kind[s] == "company" for s in cohort)
    gcnl = members["un-global-compact-network-netherlands"]
    ser = members["ser-imvo-network"]
    assert cohort <= gcnl
    assert len(gcnl & ser) >= 10
    for covenant in (
        "garment-textile-covenant",
        "banking-covenant",
        "natural-stone-covenant",
        "gold-covenant",
        "metals-covenant",
        "floriculture-covenant",
    ):
        assert any(kind[s] == "company" for s in members[covenant])
        assert any(kind[s] != "company" for s in members[covenant])


def test_contacts(organisations: list[dict[str, str]], contacts: list[dict[str, str]]) -> None:
    assert len(contacts) >= 300
    emails = [c["email"] for c in contacts]
    assert len(emails) == len(set(emails))
    assert all(re.match(r"^[a-z0-9.]+@example\.org$", e) for e in emails)
    assert {c["language"] for c in contacts} <= {"nl", "en"}
    assert {c["digest"] for c in contacts} <= {"weekly", "never"}
    slugs = {o["slug"] for o in organisations}
    assert {c["organisation"] for c in contacts} <= slugs
    with_contact = {c["organisation"] for c in contacts}
    for org in organisations:
        if org["kind"] not in GROUP_KINDS:
            assert org["slug"] in with_contact, org["slug"]


def test_regenerating_gives_identical_bytes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(SEED_DATA / "generate_demo.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name


def load_synthetic() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "benchmarks_synthetic", ROOT / "benchmarks" / "synthetic.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_generate_small(tmp_path: Path, vocabulary: dict[str, set[str]]) -> None:
    counts = load_synthetic().generate(500, tmp_path, seed=3)
    orgs = read(tmp_path / "organisations.csv")
    rels = read(tmp_path / "relationships.csv")
    people = read(tmp_path / "contacts.csv")
    assert counts == {
        "organisations": len(orgs),
        "relationships": len(rels),
        "contacts": len(people),
    }
    assert counts["organisations"] == 500
    assert 3000 <= counts["relationships"] <= 7000
    assert len(people) >= 450
    kind = {o["slug"]: o["kind"] for o in orgs}
    assert len(kind) == 500
    assert 0.65 <= sum(k == "company" for k in kind.values()) / 500 <= 0.8
    assert any(k in GROUP_KINDS for k in kind.values())
    for org in orgs:
        assert set(split(org["sectors"])) <= vocabulary["sectors"]
        assert set(split(org["themes"])) <= vocabulary["themes"]
        assert all(pycountry.countries.get(alpha_2=c) for c in split(org["countries"]))
    keys = set()
    for r in rels:
        assert r["source"] in kind and r["target"] in kind and r["source"] != r["target"]
        assert r["type"] in RELATIONSHIP_TYPES
        key = (r["source"], r["target"], r["type"])
        assert key not in keys
        keys.add(key)
    assert len({p["email"] for p in people}) == len(people)
    assert all(p["email"].endswith("@example.org") for p in people)
    again = tmp_path / "again"
    load_synthetic().generate(500, again, seed=3)
    assert (again / "relationships.csv").read_bytes() == (
        tmp_path / "relationships.csv"
    ).read_bytes()
