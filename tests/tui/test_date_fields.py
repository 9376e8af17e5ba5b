"""The conference form's date reads a day as every form does: no such day and a wrong format are two
different messages beside the field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chandong_tui.model.fields import explain_error
from chandong_tui.tui.modals.conference_modal import parse_when


@pytest.mark.parametrize(
    ("day", "key", "ko"),
    [
        ("2026-02-30", "date_not_real", "2026-02-30은 없는 날짜입니다"),
        ("2026/02/03", "date_format", "날짜 형식이 아닙니다 (YYYY-MM-DD)"),
    ],
)
def test_conference_day_errors(day: str, key: str, ko: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_when(day, "14:00")
    [error] = caught.value.errors()
    assert (error["type"], error["loc"]) == (key, ("date",))
    assert explain_error(dict(error)) == ko


def test_conference_good_day() -> None:
    assert parse_when("2026-02-28", "14:00").isoformat() == "2026-02-28T14:00:00+09:00"
