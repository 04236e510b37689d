"""Write ``nl/LC_MESSAGES/messages.po``: the messages ``pybabel extract`` finds, with the
Dutch from ``nl_web.py`` and the digest entries already in the catalogue (kept). Run from
the repository root: ``python -m convene.locale.build``; ``make install`` then compiles it."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from convene.locale.nl_web import NL, NL_PLURAL

HERE = Path(__file__).parent
PO = HERE / "nl" / "LC_MESSAGES" / "messages.po"


def main() -> int:
    root = HERE.parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        subprocess.run(
            [str(Path(sys.executable).parent / "pybabel"), "extract", "-F",
             str(root / "babel.cfg"), "-k", "N_", "--no-location", "-o", str(pot), str(root)],
            check=True, capture_output=True,
        )  # fmt: skip
        with pot.open("rb") as handle:
            template = read_po(handle)
    existing: dict[object, object] = {}
    if PO.exists():
        with PO.open("rb") as handle:
            existing = {m.id: m.string for m in read_po(handle, locale="nl") if m.id}
    catalog = Catalog(locale="nl", project="convene", version="0.1.0", fuzzy=False)
    missing = []
    ids: list[object] = [m.id for m in template if m.id]
    ids += [k for k in NL if k not in template]
    for msgid in ids:
        key = str(msgid[0] if isinstance(msgid, tuple | list) else msgid)
        if isinstance(msgid, tuple):
            string: object = NL_PLURAL.get(key) or existing.get(msgid)
        else:
            string = NL.get(key) or existing.get(msgid)
        if not string:
            missing.append(key)
            string = ("", "") if isinstance(msgid, tuple) else ""
        catalog.add(msgid, string)  # type: ignore[arg-type]
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, width=100)
    for key in missing:
        sys.stderr.write(f"untranslated: {key!r}\n")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
