"""Records of the domain: pydantic models, enums with Korean/English labels, validation. No I/O."""

from chandong_tui.model.records import RECORD_BY_KIND, RECORD_TYPES, Record

__all__ = ["RECORD_BY_KIND", "RECORD_TYPES", "Record"]
