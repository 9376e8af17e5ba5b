"""Import a file in the sample-data format, all or nothing.

Everything is checked before anything is written: the format, each record against its model, ids
unique, references pointing at records in the file or the vault, and the dong matching the vault's.
Records already in the vault unchanged are skipped; changed ones are refused (import never
overwrites). Then one atomic batch: a crash leaves the vault as it was or with the whole file.

Hostile files are refused before they cost much: only regular files are read (not a pipe or a
device that never ends), at most `MAX_IMPORT_BYTES` of them, and a file with more JSON values than
`MAX_IMPORT_VALUES` is refused before it is parsed (a 12 MB file of `{},` is four million Python
dicts). orjson refuses nesting deeper than 1024; the models refuse wrong types and over-long text.
Names taken from the file (unknown sections, field paths) are shortened and their control characters
escaped, so the one-line error stays one short line.
"""

from __future__ import annotations

import datetime as dt
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from chandong_tui.casework.converters import changed_fields
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.fields import explain_error
from chandong_tui.model.records import Dong, Record
from chandong_tui.model.sample_format import SAMPLE_FORMAT, SECTIONS
from chandong_tui.vault.errors import BadInput

MAX_IMPORT_BYTES = 64 * 1024 * 1024
"""Larger files are refused before they are read (a dong's ten years are about 15 MB)."""
MAX_IMPORT_VALUES = 3_000_000
"""At most this many JSON values (counted as commas, colons and opening brackets, an upper bound)
in a file: a dong's ten years have about 1.4 million; parsing is what takes the memory."""
_SHOWN = 60
"""Characters of a name from the file that an error message quotes."""
MAX_REPORTED_ERRORS = 10


@dataclass(frozen=True)
class ImportResult:
    """How many records the import wrote, and how many it found already there."""

    written: int
    unchanged: int


def read_sample_file(path: Path) -> dict[str, Any]:
    """The parsed file; `BadInput` for anything that is not a readable sample-format document."""
    too_big = f"{path} is larger than the import limit of {MAX_IMPORT_BYTES // 2**20} MiB"
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise BadInput(f"{path} is not a regular file")
        if info.st_size > MAX_IMPORT_BYTES:
            raise BadInput(too_big)
        with path.open("rb") as file:
            data = file.read(MAX_IMPORT_BYTES + 1)  # the file may grow while it is read
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise BadInput(too_big)
    values = data.count(b",") + data.count(b":") + data.count(b"{") + data.count(b"[")
    if values > MAX_IMPORT_VALUES:
        raise BadInput(
            f"{path} holds more than {MAX_IMPORT_VALUES:,} values (about {values:,}); "
            "import a dong's data at most, nothing imported"
        )
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BadInput(f"{path} is not valid JSON ({shown(exc, 200)})") from None
    del data
    if not isinstance(doc, dict) or doc.get("format") != SAMPLE_FORMAT:
        raise BadInput(f"{path} is not a chandong data file (expected format {SAMPLE_FORMAT!r})")
    unknown = set(doc) - set(SECTIONS) - {"format"}
    if unknown:
        names = ", ".join(shown(name) for name in sorted(unknown)[:5])
        raise BadInput(f"{path} has {len(unknown)} unknown section(s): {names}")
    return doc


def shown(name: object, limit: int = _SHOWN) -> str:
    """A name from the file for an error line: control characters escaped, at most `limit` long."""
    text = str(name)
    escaped = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text[:limit])
    return escaped + ("…" if len(text) > limit else "")


def parse_records(doc: dict[str, Any], today: dt.date) -> list[Record]:
    """Every record of the document, validated; `BadInput` naming the first errors."""
    records: list[Record] = []
    errors: list[str] = []
    for section, cls in SECTIONS.items():
        raw = doc.get(section)
        if raw is None:
            continue
        items = [raw] if section == "dong" else raw
        if not isinstance(items, list):
            raise BadInput(f"section {section!r} must be a list; nothing imported")
        for index, item in enumerate(items):
            try:
                records.append(cls.model_validate(item, context={"today": today}))
            except ValidationError as exc:
                for error in exc.errors():
                    where = shown(".".join(str(part) for part in error["loc"]))
                    errors.append(f"{section}[{index}].{where}: {explain_error(dict(error), 'en')}")
            if len(errors) >= MAX_REPORTED_ERRORS:
                break
    if errors:
        raise BadInput(f"{len(errors)} invalid field(s), nothing imported; first: " + "; ".join(errors[:3]))
    return records


def _check_ids(records: list[Record]) -> None:
    seen: set[tuple[str, str]] = set()
    for record in records:
        key = (record.kind, record.id)
        if key in seen:
            raise BadInput(f"duplicate {record.kind} id {record.id!r}; nothing imported")
        seen.add(key)


def import_records(repo: CaseRepository, records: list[Record]) -> ImportResult:
    """Write the records in one atomic batch after checking them against the vault."""
    _check_ids(records)
    vault_dong = repo.session.info.dong_code
    for record in records:
        if isinstance(record, Dong) and record.id != vault_dong:
            raise BadInput(
                f"the file is for dong {record.id}, this vault is for {vault_dong}; nothing imported"
            )
    new: list[Record] = []
    unchanged = 0
    for record in records:
        doc = repo.session.table(record.kind).get_row(record.id)
        if doc is None:
            new.append(record)
        elif changed_fields(record, doc):
            raise BadInput(f"{record.kind} {record.id!r} already exists with other values; nothing imported")
        else:
            unchanged += 1
    _check_references(repo, new)
    written = repo.save_many(new)
    return ImportResult(written=written, unchanged=unchanged)


_REFERENCES = {
    "household_id": "household",
    "worker_id": "worker",
    "owner_id": "worker",
    "raised_by": "worker",
    "facilitator_id": "worker",
    "from_worker_id": "worker",
}


def _check_references(repo: CaseRepository, records: list[Record]) -> None:
    known: dict[str, set[str]] = {}
    for record in records:
        known.setdefault(record.kind, set()).add(record.id)
    for record in records:
        for field, kind in _REFERENCES.items():
            target = getattr(record, field, None)
            if target is None or target in known.get(kind, ()):
                continue
            if repo.session.table(kind).get_row(target) is None:
                raise BadInput(
                    f"{record.kind} {record.id!r} refers to unknown {kind} {target!r}; nothing imported"
                )


def import_file(repo: CaseRepository, path: Path, today: dt.date | None = None) -> ImportResult:
    """Read, check and import one file."""
    doc = read_sample_file(path)
    return import_records(repo, parse_records(doc, today or dt.date.today()))
