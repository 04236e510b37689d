"""`convene evaluate`: records from the database or from import files, into ``matching``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from convene.errors import Invalid
from convene.models import RelationshipType
from convene.transfer.reading import read_file
from convene.transfer.service import COLUMNS, ImportFailed, ImportKind, validate_file_rows

METHODS = ("random", "popularity", "jaccard", "adamic_adar", "text_only", "convene")
METRICS = ("precision@k", "recall@k", "mrr", "ndcg@k", "coverage")


def records_from_files(directory: Path) -> tuple[list[Any], list[Any]]:
    """Organisations and relationships from import-format CSV files (validated the same way)."""
    from datetime import date

    from convene.models import OrganisationCreate, RelationshipCreate
    from matching import EdgeRecord, OrgRecord

    orgs_path = directory / "organisations.csv"
    rels_path = directory / "relationships.csv"
    for path in (orgs_path, rels_path):
        if not path.exists():
            raise Invalid(f"{path} does not exist", field="data")
    errors = []
    required, optional = COLUMNS[ImportKind.organisations]
    read = read_file(orgs_path, required=required, optional=optional)
    orgs, org_errors = validate_file_rows(read.rows, OrganisationCreate, str(orgs_path))
    errors += read.errors + org_errors
    required, optional = COLUMNS[ImportKind.relationships]
    read = read_file(rels_path, required=required, optional=optional)
    rels, rel_errors = validate_file_rows(read.rows, RelationshipCreate, str(rels_path))
    errors += read.errors + rel_errors
    if errors:
        raise ImportFailed(errors)
    today = date.today()
    org_records = [
        OrgRecord(
            slug=o.slug,
            kind=o.kind.value,
            name=o.name,
            description=o.description,
            offers=o.offers,
            seeks=o.seeks,
            sectors=tuple(o.sectors),
            countries=tuple(o.countries),
            themes=tuple(o.themes),
            open_to_introductions=o.open_to_introductions,
        )
        for _, o in orgs
    ]
    edge_records = [
        EdgeRecord(
            source=r.source,
            target=r.target,
            type=r.type.value,
            active=r.until is None or r.until >= today,
        )
        for _, r in rels
    ]
    return org_records, edge_records


def evaluate_network(
    data: Path | None,
    *,
    edge_types: tuple[str, ...],
    holdout: float,
    seed: int,
    k: int,
) -> dict[str, Any]:
    from matching.evaluation import evaluate

    known = {t.value for t in RelationshipType} - {"member_of", "dispute"}
    for edge_type in edge_types:
        if edge_type not in known:
            raise Invalid(
                f"--edges: {edge_type!r} is not an organisation-to-organisation link type "
                f"({', '.join(sorted(known))})",
                field="edges",
            )
    if data is not None:
        orgs, edges = records_from_files(data)
    else:
        from convene.db import unit_of_work
        from convene.suggestions.records import load_network

        with unit_of_work(readonly=True) as session:
            network = load_network(session)
        orgs, edges = network.orgs, network.edges
    result: dict[str, Any] = evaluate(
        orgs, edges, edge_types=edge_types, holdout=holdout, seed=seed, k=k
    )
    return result


def format_table(result: dict[str, Any]) -> str:
    k = result["k"]
    lines = [f"hidden links: {result['hidden_links']}, k = {k}"]
    for slice_name in ("overall", "cold_start"):
        lines.append("")
        lines.append(f"{slice_name.replace('_', '-')}:")
        header = f"  {'method':<12}" + "".join(f"{m.replace('@k', f'@{k}'):>14}" for m in METRICS)
        lines.append(header)
        for method, scores in result[slice_name].items():
            lines.append(f"  {method:<12}" + "".join(f"{scores[m]:>14.4f}" for m in METRICS))
    return "\n".join(lines)
