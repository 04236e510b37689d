"""Read CSV and JSON import files into rows that remember their physical line numbers.

Every problem is collected as a :class:`RowError` (``file:line: column: reason``) rather
than raised at the first one, so a user fixes a file in one pass.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILE = "-"  # the column named when a problem concerns the whole file or line


@dataclass(frozen=True, order=True)
class RowError:
    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.reason}"


@dataclass(frozen=True)
class RawRow:
    line: int
    values: dict[str, Any]
    from_csv: bool


@dataclass
class ReadResult:
    rows: list[RawRow]
    errors: list[RowError]


def decode(data: bytes, name: str) -> tuple[str | None, list[RowError]]:
    """Decode UTF-8 (a BOM is fine); report every line holding bytes that are not UTF-8."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    errors = []
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        try:
            raw_line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            bad = raw_line[exc.start : exc.start + 1].hex()
            errors.append(
                RowError(name, number, FILE, f"not UTF-8: byte 0x{bad} at column {exc.start + 1}")
            )
    return None, errors


def read_file(
    path: Path,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    display_name: str | None = None,
) -> ReadResult:
    """Read ``path`` as CSV or JSON (by its extension) into rows of raw values."""
    name = display_name or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ReadResult([], [RowError(name, 0, FILE, f"cannot read file: {exc.strerror}")])
    text, errors = decode(data, name)
    if text is None:
        return ReadResult([], errors)
    if not text.strip():
        return ReadResult([], [RowError(name, 1, FILE, "file is empty")])
    if path.suffix.lower() == ".json":
        return _read_json(text, name, required, optional)
    return _read_csv(text, name, required, optional)


def _read_csv(
    text: str, name: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> ReadResult:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[RawRow] = []
    errors: list[RowError] = []
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        return ReadResult([], [RowError(name, 1, FILE, f"malformed CSV header: {exc}")])
    header_errors = _check_columns(header, required, optional, name, 1)
    if header_errors:
        return ReadResult([], header_errors)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            reason = str(exc)
            if "unexpected end of data" in reason:
                reason = "unclosed quote: the quoted field runs to the end of the file"
            errors.append(RowError(name, start, FILE, f"malformed CSV: {reason}"))
            continue
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # blank line
        if len(record) != len(header):
            errors.append(
                RowError(
                    name,
                    start,
                    FILE,
                    f"expected {len(header)} fields, found {len(record)}",
                )
            )
            continue
        rows.append(RawRow(start, dict(zip(header, record, strict=True)), True))
    return ReadResult(rows, errors)


def _check_columns(
    header: list[str],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    name: str,
    line: int,
) -> list[RowError]:
    errors = []
    known = set(required) | set(optional)
    seen: set[str] = set()
    for column in header:
        if column in seen:
            errors.append(RowError(name, line, column, "column appears twice in the header"))
        seen.add(column)
        if column not in known:
            errors.append(
                RowError(name, line, column, f"unknown column (known: {', '.join(sorted(known))})")
            )
    for column in required:
        if column not in seen:
            errors.append(RowError(name, line, column, "missing required column"))
    return errors


def _read_json(
    text: str, name: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> ReadResult:
    decoder = json.JSONDecoder()
    rows: list[RawRow] = []
    errors: list[RowError] = []

    def line_of(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] != "[":
        return ReadResult([], [RowError(name, line_of(pos), FILE, "expected a JSON array")])
    pos = _skip_ws(text, pos + 1)
    if pos < len(text) and text[pos] == "]":
        return ReadResult([], [RowError(name, line_of(pos), FILE, "file holds no rows")])
    known = set(required) | set(optional)
    while pos < len(text):
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            errors.append(RowError(name, exc.lineno, FILE, f"malformed JSON: {exc.msg}"))
            return ReadResult(rows, errors)
        line = line_of(pos)
        if not isinstance(value, dict):
            errors.append(RowError(name, line, FILE, "expected an object"))
        else:
            for column in sorted(set(value) - known):
                errors.append(RowError(name, line, column, "unknown key"))
            for column in required:
                if column not in value:
                    errors.append(RowError(name, line, column, "missing required key"))
            rows.append(RawRow(line, value, False))
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            if _skip_ws(text, pos + 1) < len(text):
                errors.append(RowError(name, line_of(pos), FILE, "text after the JSON array"))
            return ReadResult(rows, errors)
        errors.append(RowError(name, line_of(pos), FILE, "malformed JSON: expected ',' or ']'"))
        return ReadResult(rows, errors)
    errors.append(RowError(name, line_of(len(text)), FILE, "malformed JSON: unclosed array"))
    return ReadResult(rows, errors)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos
