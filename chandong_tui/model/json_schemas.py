"""JSON Schemas (draft 2020-12) of the records and of the sample-data file, generated from the models.

`schema_documents()` maps a file name to its schema; `render()` gives the stable text committed under
`schemas/` (the CLI writes and checks the folder; this module does no I/O). Each schema's `$id` is its
file name, so the files resolve each other when they sit side by side; `sample.schema.json` also embeds
every record schema (under `$defs`, each keeping its `$id`) so it validates a sample file on its own.

The schemas describe the stored JSON shape (`model_dump(mode="json")`). Checks that need code or a date
(a date in the future, an RRN's birth date, a phone number's normalisation) stay in the models.
"""

from __future__ import annotations

import json
from typing import Any

from chandong_tui.model.records import RECORD_TYPES, Record
from chandong_tui.model.sample_format import SAMPLE_FORMAT, SECTIONS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SAMPLE_SCHEMA = "sample.schema.json"


def schema_name(cls: type[Record]) -> str:
    """The file name of a record kind's schema, e.g. `crisis_flag.schema.json`."""
    return f"{cls.kind}.schema.json"


def record_schema(cls: type[Record]) -> dict[str, Any]:
    """One record kind's schema, as a standalone document."""
    schema = cls.model_json_schema(mode="validation")
    return {"$schema": DIALECT, "$id": schema_name(cls), **schema}


def sample_schema() -> dict[str, Any]:
    """The schema of a whole sample-data file (`chandong-sample/1`), embedding the record schemas."""
    properties: dict[str, Any] = {"format": {"const": SAMPLE_FORMAT}}
    for section, cls in SECTIONS.items():
        ref = {"$ref": schema_name(cls)}
        properties[section] = ref if section == "dong" else {"type": "array", "items": ref}
    return {
        "$schema": DIALECT,
        "$id": SAMPLE_SCHEMA,
        "title": "chandong sample-data file",
        "description": (
            f"Records of one dong in the {SAMPLE_FORMAT} format: `dong` is one record, every other "
            "section a list of records of one kind. Sections may be left out."
        ),
        "type": "object",
        "properties": properties,
        "required": ["format"],
        "additionalProperties": False,
        "$defs": {cls.kind: record_schema(cls) for cls in RECORD_TYPES},
    }


def schema_documents() -> dict[str, dict[str, Any]]:
    """File name → schema for every record kind in `RECORD_TYPES`, and `sample.schema.json`."""
    docs = {schema_name(cls): record_schema(cls) for cls in RECORD_TYPES}
    docs[SAMPLE_SCHEMA] = sample_schema()
    return docs


def render(doc: dict[str, Any]) -> str:
    """The stable text form of a schema: sorted keys, two-space indent, UTF-8 text, final newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
