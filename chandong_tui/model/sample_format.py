"""The sample-data file format (`chandong-sample/1`): one JSON object with a section per record kind.

```
{"format": "chandong-sample/1", "dong": {...}, "workers": [...], "households": [...], "members": [...],
 "visits": [...], "crisis_flags": [...], "conferences": [...], "handoffs": [...], "tasks": [...]}
```

Each item is `Model.model_dump(mode="json")` of its record class; `dong` is one object, the others are
lists. The generator in `chandong_tui/sample_data/` writes it and the importer reads it; no I/O here.
"""

from __future__ import annotations

from chandong_tui.model.records import (
    Conference,
    CrisisFlag,
    Dong,
    Handoff,
    Household,
    Member,
    Record,
    Task,
    Visit,
    Worker,
)

SAMPLE_FORMAT = "chandong-sample/1"
"""The value of the file's `format` key."""

SECTIONS: dict[str, type[Record]] = {
    "dong": Dong,
    "workers": Worker,
    "households": Household,
    "members": Member,
    "visits": Visit,
    "crisis_flags": CrisisFlag,
    "conferences": Conference,
    "handoffs": Handoff,
    "tasks": Task,
}
"""Section key → record class, in file order (referenced records come first). `dong` is a single object."""

LIST_SECTIONS: tuple[str, ...] = tuple(key for key in SECTIONS if key != "dong")
"""The sections that hold a list of records."""
