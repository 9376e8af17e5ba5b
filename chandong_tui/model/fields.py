"""Field types with the validation a dong worker would expect, and masking of identifiers.

Errors are `PydanticCustomError`s whose type is a key of `chandong_tui.i18n.CATALOGUE`, so any
screen can show them in Korean or English (`explain_error`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo
from pydantic_core import PydanticCustomError

from chandong_tui.i18n import CATALOGUE, Lang

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")
# re.ASCII: `\d` must not match other scripts' digits (`١`, `１`), which would be stored as-is or crash
# the RRN century lookup with a KeyError instead of giving a validation error.
DONG_CODE_PATTERN = re.compile(r"^\d{10}$", re.ASCII)
_PHONE_SHAPES = (
    re.compile(r"^(01[016789])(\d{3,4})(\d{4})$", re.ASCII),  # mobile
    re.compile(r"^(02)(\d{3,4})(\d{4})$", re.ASCII),  # Seoul
    re.compile(r"^(0[3-6]\d|070|050\d?)(\d{3,4})(\d{4})$", re.ASCII),  # other areas, internet lines
    re.compile(r"^(1[5-9]\d{2})(\d{4})$", re.ASCII),  # nationwide numbers such as 1588-xxxx
)
_RRN = re.compile(r"^(\d{6})-?(\d)(\d{6})$", re.ASCII)


def fail(key: str, **values: Any) -> PydanticCustomError:
    """A validation error carrying a catalogue key; its message is the English text."""
    return PydanticCustomError(key, CATALOGUE[key].en, values or None)


def explain_error(error: dict[str, Any], lang: Lang | str = Lang.KO) -> str:
    """A pydantic error dict in the user's language (falls back to pydantic's own message)."""
    label = CATALOGUE.get(error.get("type", ""))
    if label is None:
        return str(error.get("msg", ""))
    context = error.get("ctx") or {}
    return label(lang).format(**context)


def today_of(info: ValidationInfo) -> dt.date:
    """The date validation treats as today: `context={"today": date}` or the system date."""
    context = info.context or {}
    today = context.get("today")
    return today if isinstance(today, dt.date) else dt.date.today()


def normalise_phone(value: str) -> str:
    """`01012345678`, `010 1234 5678` or `010-1234-5678` → `010-1234-5678`."""
    digits = re.sub(r"[\s\-.()]", "", str(value))
    for shape in _PHONE_SHAPES:
        match = shape.match(digits)
        if match:
            return "-".join(match.groups())
    raise fail("phone_format")


def normalise_rrn(value: str) -> str:
    """Checks a resident registration number's shape and birth date; returns `YYMMDD-NNNNNNN`."""
    match = _RRN.match(str(value).strip())
    if not match:
        raise fail("rrn_format")
    front, gender_digit, back = match.groups()
    century = {
        "1": 1900,
        "2": 1900,
        "5": 1900,
        "6": 1900,
        "3": 2000,
        "4": 2000,
        "7": 2000,
        "8": 2000,
        "9": 1800,
        "0": 1800,
    }[gender_digit]
    try:
        dt.date(century + int(front[:2]), int(front[2:4]), int(front[4:6]))
    except ValueError:
        raise fail("rrn_format") from None
    return f"{front}-{gender_digit}{back}"


def mask_rrn(rrn: str | None) -> str:
    """`711231-1234567` → `711231-1******` (the form allowed on screen and in exports)."""
    if not rrn:
        return ""
    return rrn[:8] + "*" * (len(rrn) - 8)


def mask_phone(phone: str | None) -> str:
    """`010-1234-5678` → `010-****-5678`."""
    if not phone:
        return ""
    parts = phone.split("-")
    if len(parts) == 3:
        return f"{parts[0]}-{'*' * len(parts[1])}-{parts[2]}"
    return "*" * max(0, len(phone) - 4) + phone[-4:]


_DAY_SHAPE = re.compile(r"^\d{4}(-?)\d{2}\1\d{2}$", re.ASCII)
"""`YYYY-MM-DD` (or `YYYYMMDD`): text in a date's format, whether or not that day exists."""
_TOPIC_AFTER_VOWEL = frozenset("2459")
"""Last digits read with a final vowel (이, 사, 오, 구): the day takes 는, every other one 은."""


def read_day(text: str) -> dt.date:
    """The one reading of a typed date, for every form and command-line argument.

    `2026-11-02` → the date; text in the format naming a day that does not exist (`2026-02-30`)
    raises `date_not_real`, anything else `date_format` (both `PydanticCustomError`s).
    """
    value = text.strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    if _DAY_SHAPE.match(value):
        particle = "는" if value[-1] in _TOPIC_AFTER_VOWEL else "은"
        raise fail("date_not_real", day=value, particle=particle)
    raise fail("date_format")


def parse_date(value: Any) -> Any:
    """Strict ISO dates from text (`2026-11-02`), with a clear message for anything else."""
    if isinstance(value, str):
        return read_day(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def not_in_future(value: dt.date, info: ValidationInfo) -> dt.date:
    """Visits and consents happen today or before, unless the user confirmed this very date
    (`context={"confirmed_day": date}`, the visit form's confirm step)."""
    if value > today_of(info) and (info.context or {}).get("confirmed_day") != value:
        raise fail("date_in_future")
    return value


def _checked_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise fail("id_format")
    return value


def _checked_dong_code(value: str) -> str:
    if not DONG_CODE_PATTERN.match(value):
        raise fail("dong_code_format")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise fail("text_empty")
    return value.strip()


RecordId = Annotated[
    str, AfterValidator(_checked_id), Field(json_schema_extra={"pattern": ID_PATTERN.pattern})
]
DongCode = Annotated[
    str, AfterValidator(_checked_dong_code), Field(json_schema_extra={"pattern": r"^[0-9]{10}$"})
]
Phone = Annotated[str, AfterValidator(normalise_phone)]
Rrn = Annotated[str, AfterValidator(normalise_rrn)]
Day = Annotated[dt.date, BeforeValidator(parse_date)]
PastDay = Annotated[dt.date, BeforeValidator(parse_date), AfterValidator(not_in_future)]
Name = Annotated[str, AfterValidator(_not_blank), Field(min_length=1, max_length=100)]
ShortText = Annotated[str, Field(max_length=500)]
LongText = Annotated[str, Field(max_length=20_000)]


def _in_range(key: str):
    def check(value: int) -> int:
        if not 1 <= value <= 99:
            raise fail(key)
        return value

    return check


_RANGE_1_99 = {"minimum": 1, "maximum": 99}
Tong = Annotated[int, AfterValidator(_in_range("tong_range")), Field(json_schema_extra=_RANGE_1_99)]
Ban = Annotated[int, AfterValidator(_in_range("ban_range")), Field(json_schema_extra=_RANGE_1_99)]
Won = Annotated[int, Field(ge=0, le=1_000_000_000)]
