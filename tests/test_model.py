"""Validated fields, masking, bilingual errors and labelled enums of the model layer."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from chandong_tui.i18n import CATALOGUE, Lang
from chandong_tui.model import enums
from chandong_tui.model.enums import LabelledEnum
from chandong_tui.model.fields import (
    explain_error,
    mask_phone,
    mask_rrn,
    normalise_phone,
    normalise_rrn,
    read_day,
)
from chandong_tui.model.records import Consent, Household, Member, Visit

TODAY = dt.date(2026, 10, 31)
CANONICAL_PHONE = re.compile(r"^(\d{2,4}-\d{3,4}-\d{4}|1\d{3}-\d{4})$", re.ASCII)
SEPARATORS = st.sampled_from(["", "-", " ", ".", "  ", " - "])


def error_types(exc: ValidationError) -> list[str]:
    return [error["type"] for error in exc.errors()]


def member(**fields: Any) -> Member:
    base = {
        "id": "m-00001",
        "household_id": "hh-0001",
        "name": "홍길동",
        "birth_date": "1958-03-02",
        "sex": "male",
    }
    return Member.model_validate({**base, **fields}, context={"today": TODAY})


def visit(**fields: Any) -> Visit:
    base = {
        "id": "v-000001",
        "household_id": "hh-0001",
        "worker_id": "planner",
        "visited_on": "2026-10-30",
        "visit_kind": "regular",
        "target_group": "elderly",
    }
    return Visit.model_validate({**base, **fields}, context={"today": TODAY})


def household(**fields: Any) -> Household:
    base = {
        "id": "hh-0001",
        "dong_code": "1159053000",
        "tong": 3,
        "ban": 7,
        "road_address": "상도가상로 12길 3",
        "consent": {"given": True, "on": "2026-01-05"},
        "registered_on": "2026-01-05",
    }
    return Household.model_validate({**base, **fields}, context={"today": TODAY})


# --- phone numbers -------------------------------------------------------------------------------------


@given(
    prefix=st.sampled_from(["010", "011", "016", "017", "018", "019"]),
    middle=st.from_regex(r"\A[0-9]{3,4}\Z"),
    last=st.from_regex(r"\A[0-9]{4}\Z"),
    sep1=SEPARATORS,
    sep2=SEPARATORS,
)
def test_mobile_numbers_normalise_from_any_spacing(
    prefix: str, middle: str, last: str, sep1: str, sep2: str
) -> None:
    canonical = f"{prefix}-{middle}-{last}"
    assert normalise_phone(f"{prefix}{sep1}{middle}{sep2}{last}") == canonical
    assert normalise_phone(canonical) == canonical  # a fixed point: saving twice changes nothing
    assert member(phone=f"{prefix}{sep1}{middle}{sep2}{last}").phone == canonical


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("02-123-4567", "02-123-4567"),
        ("0212345678", "02-1234-5678"),
        ("(02) 820 1234", "02-820-1234"),
        ("031.123.4567", "031-123-4567"),
        ("070 1234 5678", "070-1234-5678"),
        ("15881234", "1588-1234"),
        ("010.0123.4567", "010-0123-4567"),
    ],
)
def test_other_phone_shapes(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored


@given(st.text(max_size=30))
@example("010١٢٣٤٥٦٧٨")  # other scripts' digits are not phone digits
@example("010-1234-567")
def test_any_text_is_either_a_canonical_phone_or_a_phone_format_error(text: str) -> None:
    try:
        result = normalise_phone(text)
    except PydanticCustomError as exc:
        assert exc.type == "phone_format"
    else:
        assert CANONICAL_PHONE.match(result), result
        assert normalise_phone(result) == result
        assert re.sub(r"\D", "", result) == re.sub(r"[\s\-.()]", "", text)


@pytest.mark.parametrize(
    "garbage", ["", "abc", "010-12ab-5678", "12345", "010-1234-56789", "+82 10 1234 5678"]
)
def test_garbage_phone_numbers_are_refused_with_phone_format(garbage: str) -> None:
    with pytest.raises(ValidationError) as caught:
        member(phone=garbage)
    assert error_types(caught.value) == ["phone_format"]


@given(st.from_regex(r"\A010-[0-9]{4}-[0-9]{4}\Z"))
def test_phone_masking_keeps_only_the_last_four_digits(phone: str) -> None:
    masked = mask_phone(phone)
    assert masked == f"010-****-{phone[-4:]}"


# --- resident registration numbers ------------------------------------------------------------------


def rrn_century_digit(birth: dt.date, sex: str) -> str:
    return {(True, "male"): "1", (True, "female"): "2", (False, "male"): "3", (False, "female"): "4"}[
        (birth.year < 2000, sex)
    ]


@given(
    birth=st.dates(dt.date(1900, 1, 1), dt.date(2026, 10, 31)),
    sex=st.sampled_from(["male", "female"]),
    back=st.from_regex(r"\A[0-9]{6}\Z"),
    hyphen=st.booleans(),
)
def test_rrn_round_trips_with_or_without_hyphen(birth: dt.date, sex: str, back: str, hyphen: bool) -> None:
    front = f"{birth:%y%m%d}"
    digit = rrn_century_digit(birth, sex)
    canonical = f"{front}-{digit}{back}"
    typed = canonical if hyphen else canonical.replace("-", "")
    assert normalise_rrn(typed) == canonical
    assert member(birth_date=birth.isoformat(), sex=sex, rrn=f" {typed} ").rrn == canonical


@given(
    birth=st.dates(dt.date(1900, 1, 1), dt.date(2026, 10, 31)),
    digit=st.sampled_from("1234"),
    back=st.from_regex(r"\A[0-9]{6}\Z"),
)
def test_masking_never_reveals_the_last_six_digits(birth: dt.date, digit: str, back: str) -> None:
    rrn = normalise_rrn(f"{birth:%y%m%d}-{digit}{back}")
    masked = mask_rrn(rrn)
    assert masked == f"{birth:%y%m%d}-{digit}******"
    assert len(masked) == len(rrn)
    assert not any(ch.isdigit() for ch in masked[8:])


def test_masking_nothing_is_empty() -> None:
    assert mask_rrn(None) == "" and mask_rrn("") == ""
    assert mask_phone(None) == ""


@pytest.mark.parametrize(
    "bad",
    [
        "711331-1234567",  # month 13
        "710230-1234567",  # 30 February
        "711231-123456",  # too short
        "711231_1234567",
        "주민번호",
        "７１１２３１-１２３４５６７",  # full-width digits
        "٧١١٢٣١-١٢٣٤٥٦٧",  # Arabic-Indic digits
    ],
)
def test_malformed_rrn_is_refused_with_rrn_format(bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        member(rrn=bad)
    assert error_types(caught.value) == ["rrn_format"]


@given(st.text(max_size=20))
def test_any_text_is_either_an_rrn_or_an_rrn_format_error(text: str) -> None:
    try:
        result = normalise_rrn(text)
    except PydanticCustomError as exc:
        assert exc.type == "rrn_format"
    else:
        assert re.fullmatch(r"[0-9]{6}-[0-9]{7}", result)


# --- dates ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["2026/10/30", "30.10.2026", "2026-2-3", "yesterday", "20261", ""])
def test_malformed_dates_give_date_format(bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        visit(visited_on=bad)
    assert error_types(caught.value) == ["date_format"]


@given(st.text(max_size=12))
def test_text_that_is_not_an_iso_date_gives_date_format(text: str) -> None:
    try:
        dt.date.fromisoformat(text.strip())
    except ValueError:
        with pytest.raises(ValidationError) as caught:
            household(registered_on=text)
        in_format = re.fullmatch(r"[0-9]{4}(-?)[0-9]{2}\1[0-9]{2}", text.strip())
        assert error_types(caught.value) == ["date_not_real" if in_format else "date_format"]
    else:
        assert household(registered_on=text).registered_on == dt.date.fromisoformat(text.strip())


@pytest.mark.parametrize(
    ("text", "ko"),
    [
        ("2026-02-30", "2026-02-30은 없는 날짜입니다"),
        ("2026-02-29", "2026-02-29는 없는 날짜입니다"),  # 구: the particle follows the last digit
        ("2025-04-31", "2025-04-31은 없는 날짜입니다"),
        ("2026-13-01", "2026-13-01은 없는 날짜입니다"),
        (" 2026-00-15 ", "2026-00-15는 없는 날짜입니다"),
    ],
)
def test_a_day_in_the_format_that_does_not_exist_says_so(text: str, ko: str) -> None:
    for make in (lambda: visit(visited_on=text), lambda: household(registered_on=text)):
        with pytest.raises(ValidationError) as caught:
            make()
        assert error_types(caught.value) == ["date_not_real"]
        error = dict(caught.value.errors()[0])
        assert explain_error(error, Lang.KO) == ko
        assert explain_error(error, Lang.EN) == f"{text.strip()} is not a date"


def test_the_one_day_reader_tells_a_wrong_format_from_a_day_that_does_not_exist() -> None:
    assert read_day(" 2026-02-28 ") == dt.date(2026, 2, 28)
    assert read_day("2028-02-29") == dt.date(2028, 2, 29)
    with pytest.raises(PydanticCustomError) as not_real:
        read_day("2026-02-30")
    with pytest.raises(PydanticCustomError) as wrong_format:
        read_day("2026/02/03")
    assert (not_real.value.type, wrong_format.value.type) == ("date_not_real", "date_format")
    assert not_real.value.message() == "2026-02-30 is not a date"
    assert wrong_format.value.message() == CATALOGUE["date_format"].en


def test_a_future_visit_passes_only_for_the_day_the_user_confirmed() -> None:
    later = {
        "id": "v-1",
        "household_id": "hh-1",
        "worker_id": "planner",
        "visited_on": "2026-11-02",
        "visit_kind": "regular",
        "target_group": "elderly",
    }
    confirmed = {"today": TODAY, "confirmed_day": dt.date(2026, 11, 2)}
    assert Visit.model_validate(later, context=confirmed).visited_on == dt.date(2026, 11, 2)
    with pytest.raises(ValidationError) as caught:
        Visit.model_validate({**later, "visited_on": "2026-11-03"}, context=confirmed)
    assert error_types(caught.value) == ["date_in_future"]


@given(st.integers(min_value=1, max_value=3650))
def test_visits_in_the_future_give_date_in_future(days: int) -> None:
    future = TODAY + dt.timedelta(days=days)
    with pytest.raises(ValidationError) as caught:
        visit(visited_on=future.isoformat())
    assert error_types(caught.value) == ["date_in_future"]


def test_today_is_not_the_future_and_today_comes_from_the_context() -> None:
    assert visit(visited_on=TODAY.isoformat()).visited_on == TODAY
    later = {
        "id": "v-1",
        "household_id": "hh-1",
        "worker_id": "nurse",
        "visited_on": "2026-11-02",
        "visit_kind": "health",
        "target_group": "elderly",
    }
    with pytest.raises(ValidationError):
        Visit.model_validate(later, context={"today": TODAY})
    assert Visit.model_validate(later, context={"today": dt.date(2026, 11, 2)}).visited_on == dt.date(
        2026, 11, 2
    )


def test_consent_dates_cannot_be_in_the_future_and_are_needed_when_given() -> None:
    with pytest.raises(ValidationError) as caught:
        Consent.model_validate({"given": True, "on": "2027-01-01"}, context={"today": TODAY})
    assert error_types(caught.value) == ["date_in_future"]
    with pytest.raises(ValidationError) as caught:
        Consent.model_validate({"given": True}, context={"today": TODAY})
    assert error_types(caught.value) == ["consent_date_missing"]
    assert Consent.model_validate({"given": False}, context={"today": TODAY}).on is None


def test_next_visit_must_follow_the_visit() -> None:
    with pytest.raises(ValidationError) as caught:
        visit(visited_on="2026-10-30", next_visit_due="2026-10-30")
    assert error_types(caught.value) == ["due_before_visit"]
    assert visit(visited_on="2026-10-30", next_visit_due="2027-01-30").next_visit_due == dt.date(2027, 1, 30)


# --- 통 / 반 -------------------------------------------------------------------------------------------


@given(st.integers(min_value=-1000, max_value=1000))
def test_tong_range(tong: int) -> None:
    if 1 <= tong <= 99:
        assert household(tong=tong).tong == tong
    else:
        with pytest.raises(ValidationError) as caught:
            household(tong=tong)
        assert error_types(caught.value) == ["tong_range"]


@pytest.mark.parametrize("ban", [0, 100, -3])
def test_ban_range(ban: int) -> None:
    with pytest.raises(ValidationError) as caught:
        household(ban=ban)
    assert error_types(caught.value) == ["ban_range"]


# --- bilingual errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "key"),
    [
        (lambda: member(phone="abc"), "phone_format"),
        (lambda: member(rrn="123"), "rrn_format"),
        (lambda: visit(visited_on="2099-01-01"), "date_in_future"),
        (lambda: visit(visited_on="nope"), "date_format"),
        (lambda: household(tong=0), "tong_range"),
        (lambda: household(dong_code="11590530"), "dong_code_format"),
        (lambda: household(id="!"), "id_format"),
    ],
)
def test_explain_error_speaks_korean_and_english(make: Any, key: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make()
    error = caught.value.errors()[0]
    assert error["type"] == key
    korean = explain_error(error)
    english = explain_error(error, "en")
    assert korean == CATALOGUE[key].ko == explain_error(error, Lang.KO)
    assert english == CATALOGUE[key].en == explain_error(error, Lang.EN)
    assert korean != english
    assert re.search(r"[가-힣]", korean)
    assert error["msg"] == english  # pydantic's own message is the English text


def test_explain_error_falls_back_to_pydantic_for_its_own_errors() -> None:
    with pytest.raises(ValidationError) as caught:
        Consent.model_validate({"given": "perhaps"})
    error = caught.value.errors()[0]
    assert error["type"] not in CATALOGUE
    assert explain_error(error) == error["msg"] == explain_error(error, "en")


def test_common_pydantic_errors_read_in_korean() -> None:
    with pytest.raises(ValidationError) as caught:
        household(tong="many")
    error = caught.value.errors()[0]
    assert error["type"] == "int_parsing"
    assert explain_error(error) == "숫자를 입력하세요"
    assert explain_error(error, "en") == "Type a number"


def test_explain_error_fills_placeholders() -> None:
    error = {"type": "text_too_long", "msg": "x", "ctx": {"max": 500}}
    assert explain_error(error) == "너무 깁니다 (최대 500자)"
    assert explain_error(error, "en") == "Too long (at most 500 characters)"


# --- enums ---------------------------------------------------------------------------------------------

LABELLED = [
    cls
    for cls in vars(enums).values()
    if isinstance(cls, type) and issubclass(cls, LabelledEnum) and cls is not LabelledEnum
]


def test_all_labelled_enums_are_found() -> None:
    assert len(LABELLED) >= 20
    assert enums.Role in LABELLED and enums.HandoffState in LABELLED


@pytest.mark.parametrize("cls", LABELLED, ids=lambda cls: cls.__name__)
def test_every_enum_member_has_korean_and_english_labels(cls: type[LabelledEnum]) -> None:
    assert len(cls) > 0
    values = [member.value for member in cls]
    assert len(set(values)) == len(values)
    for member in cls:
        assert member.ko.strip() and member.en.strip(), member
        assert re.fullmatch(r"[a-z0-9_]+", member.value), member.value
        assert re.search(r"[가-힣]", member.ko), f"{cls.__name__}.{member.name} has no Korean label"
        assert member.label() == member.ko == member.label(Lang.KO)
        assert member.label("en") == member.en == member.label(Lang.EN)
        assert cls(member.value) is member
