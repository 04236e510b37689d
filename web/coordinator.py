"""Coordinator pages: the queue, the network overview, curation and imports."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from convene.deps import SessionDep
from convene.errors import ConveneError
from convene.i18n import N_
from convene.introductions import service as introductions
from convene.models import IntroductionRequest, OrganisationCreate
from convene.organisations import network, service
from convene.permissions import require_coordinator
from convene.suggestions import service as suggestions
from convene.transfer.service import ImportFailed, ImportKind, import_file
from convene.vocabulary.service import countries, load_vocabulary
from web.forms import LIST_FIELDS, FormDep, error_for, form_text, form_values, validate
from web.rendering import redirect, render, request_language, require_actor, verify_csrf

router = APIRouter(prefix="/coordinator")
MAX_UPLOAD = 50 * 1024 * 1024


def _coordinator(request: Request) -> None:
    require_coordinator(require_actor(request), "this page")


@router.get("/queue", response_class=HTMLResponse)
def queue(request: Request, session: SessionDep) -> Response:
    _coordinator(request)
    actor = require_actor(request)
    language = request_language(request)
    items, total = introductions.list_requests(
        session, actor, box="queue", state=None, limit=50, offset=0
    )
    rows = []
    for item in items:
        found = session.get(IntroductionRequest, item.id)
        assert found is not None
        rows.append(
            {
                "req": item,
                "source": service.get_public(session, item.from_),
                "target": service.get_public(session, item.to),
                "reasons": suggestions.suggestion_between(
                    session, found.from_org_id, found.to_org_id, language=language
                ),
            }
        )
    return render(
        request,
        "coordinator_queue.html",
        {"rows": rows, "total": total, "country_names": countries(language)},
    )


@router.get("/network", response_class=HTMLResponse)
def network_overview(request: Request, session: SessionDep) -> Response:
    _coordinator(request)
    return render(request, "coordinator_network.html", {"overview": network.overview(session)})


@router.post("/propose", response_class=HTMLResponse)
def propose(request: Request, session: SessionDep, form: FormDep) -> Response:
    """Start an introduction from a suggestion: both sides must still accept."""
    from convene.models import IntroductionCreate

    actor = require_actor(request)
    verify_csrf(request, form_text(form, "csrf_token"))
    source = form_text(form, "from")
    body, errors = validate(
        IntroductionCreate,
        {"from": source, "to": form_text(form, "to"), "motivation": form_text(form, "motivation")},
    )
    back = f"/organisations/{source}"
    if body is None:
        return redirect(request, back, flash=next(iter(errors.values())), error=True)
    try:
        created = introductions.create(session, actor, body)
    except ConveneError as exc:
        if exc.status_code in (403,):
            raise
        session.rollback()
        return redirect(request, back, flash=exc.message, error=True)
    return redirect(
        request, f"/introductions/{created.id}", flash=N_("Introduction proposed to both sides")
    )


ORG_FIELDS = ("slug", "name", "kind", "description", "offers", "seeks", "size_band", "website",
              "sectors", "countries", "themes")  # fmt: skip


def _org_form_context(request: Request, session: SessionDep) -> dict[str, object]:
    vocabulary = load_vocabulary(session)
    return {
        "kinds": network.KINDS,
        "sectors": vocabulary.sectors,
        "themes": vocabulary.themes,
        "size_bands": vocabulary.size_bands,
        "countries": countries(request_language(request)),
    }


@router.get("/organisations/new", response_class=HTMLResponse)
def new_organisation(request: Request, session: SessionDep) -> Response:
    _coordinator(request)
    return render(
        request,
        "coordinator_org_new.html",
        {
            "values": {"open_to_introductions": True},
            "errors": {},
            **_org_form_context(request, session),
        },  # fmt: skip
    )


@router.post("/organisations/new", response_class=HTMLResponse)
def create_organisation(request: Request, session: SessionDep, form: FormDep) -> Response:
    _coordinator(request)
    actor = require_actor(request)
    verify_csrf(request, form_text(form, "csrf_token"))
    values = form_values(form, ORG_FIELDS, lists=LIST_FIELDS)
    values["open_to_introductions"] = form.get("open_to_introductions") == "on"
    for optional in ("size_band", "website"):
        if values.get(optional) == "":
            values.pop(optional)
    body, errors = validate(OrganisationCreate, values)
    if body is not None:
        try:
            org = service.create_organisation(session, actor, body)
            return redirect(request, f"/organisations/{org.slug}", flash=N_("Organisation added"))
        except ConveneError as exc:
            if exc.status_code == 403:
                raise
            session.rollback()
            errors = error_for(exc)
    return render(
        request,
        "coordinator_org_new.html",
        {"values": values, "errors": errors, **_org_form_context(request, session)},
        status_code=422,
    )


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request) -> Response:
    _coordinator(request)
    return render(request, "coordinator_import.html", {"kinds": [k.value for k in ImportKind]})


@router.post("/import", response_class=HTMLResponse)
async def upload(request: Request) -> Response:
    """Upload a CSV or JSON file; with "dry run" it shows what would change and changes
    nothing. The file is parsed by the same all-or-nothing import as the CLI."""
    form = await request.form()
    upload = form.get("file")
    data = await upload.read(MAX_UPLOAD + 1) if isinstance(upload, UploadFile) else b""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_import_sync, request, form, upload, data)


def _import_sync(request: Request, form: object, upload: object, data: bytes) -> Response:
    from convene.db import unit_of_work

    assert hasattr(form, "get")
    _coordinator(request)
    verify_csrf(request, form.get("csrf_token"))
    kinds = [k.value for k in ImportKind]
    kind = form.get("kind")
    dry_run = form.get("dry_run") == "on"
    context: dict[str, object] = {"kinds": kinds, "kind": kind, "dry_run": dry_run}
    if kind not in kinds:
        context["problems"] = [N_("Choose what the file holds.")]
        return render(request, "coordinator_import.html", context, status_code=422)
    if not isinstance(upload, UploadFile) or not upload.filename:
        context["problems"] = [N_("Choose a file to upload.")]
        return render(request, "coordinator_import.html", context, status_code=422)
    if len(data) > MAX_UPLOAD:
        context["problems"] = [N_("The file is larger than 50 MB.")]
        return render(request, "coordinator_import.html", context, status_code=422)
    name = Path(upload.filename).name
    suffix = ".json" if name.lower().endswith(".json") else ".csv"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            with unit_of_work() as session:
                report = import_file(
                    session, ImportKind(str(kind)), path, dry_run=dry_run, display_name=name
                )
        except ImportFailed as exc:
            context["problems"] = [str(e) for e in exc.errors]
            return render(request, "coordinator_import.html", context, status_code=422)
    context["report"] = report
    context["changes"] = [str(c) for c in report.changes[:200]]
    return render(request, "coordinator_import.html", context)
