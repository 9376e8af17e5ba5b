"""The committed sample dong and schemas: valid against the JSON Schemas, deterministic, consistent."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from chandong_tui.model.json_schemas import render, schema_documents
from chandong_tui.model.records import RECORD_TYPES, Record
from chandong_tui.model.sample_format import SAMPLE_FORMAT, SECTIONS
from chandong_tui.sample_data.generator import DEFAULT_ANCHOR, generate, main, to_json

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "chandong_tui" / "sample_data" / "small_dong.json"
SCHEMAS = REPO / "schemas"


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    return orjson.loads(SAMPLE.read_bytes())


@pytest.fixture(scope="module")
def committed_schemas() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text("utf-8")) for path in sorted(SCHEMAS.glob("*.json"))}


@pytest.fixture(scope="module")
def registry(committed_schemas: dict[str, dict[str, Any]]) -> Registry:
    return Registry().with_resources(
        (name, Resource.from_contents(doc)) for name, doc in committed_schemas.items()
    )


def _validator(schema: dict[str, Any], registry: Registry) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


# --- schemas -----------------------------------------------------------------------------------------


def test_committed_schemas_equal_the_generated_ones(committed_schemas: dict[str, dict[str, Any]]) -> None:
    generated = schema_documents()
    assert sorted(committed_schemas) == sorted(generated)
    for name, doc in generated.items():
        assert (SCHEMAS / name).read_text("utf-8") == render(doc), f"schemas/{name} is stale"


def test_there_is_a_schema_per_record_kind_and_they_are_valid_2020_12(
    committed_schemas: dict[str, dict[str, Any]],
) -> None:
    assert {f"{cls.kind}.schema.json" for cls in RECORD_TYPES} | {"sample.schema.json"} == set(
        committed_schemas
    )
    for name, doc in committed_schemas.items():
        assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert doc["$id"] == name
        Draft202012Validator.check_schema(doc)


def test_render_is_stable_text() -> None:
    text = render({"b": 1, "a": "가구"})
    assert text == '{\n  "a": "가구",\n  "b": 1\n}\n'


# --- the sample against the committed schemas (not the pydantic models) ------------------------------


def test_every_sample_record_validates_against_its_kind_schema(
    sample: dict[str, Any], committed_schemas: dict[str, dict[str, Any]], registry: Registry
) -> None:
    checked = 0
    for section, cls in SECTIONS.items():
        validator = _validator(committed_schemas[f"{cls.kind}.schema.json"], registry)
        items = [sample[section]] if section == "dong" else sample[section]
        for item in items:
            errors = [e.message for e in validator.iter_errors(item)]
            assert not errors, f"{section} {item.get('id')}: {errors[:3]}"
            checked += 1
    assert checked == 1 + sum(len(sample[s]) for s in SECTIONS if s != "dong")


def test_the_whole_sample_validates_against_the_standalone_sample_schema(
    sample: dict[str, Any], committed_schemas: dict[str, dict[str, Any]]
) -> None:
    # no registry: sample.schema.json embeds the record schemas
    validator = Draft202012Validator(
        committed_schemas["sample.schema.json"], format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    assert list(validator.iter_errors(sample)) == []


@pytest.mark.parametrize(
    ("section", "change", "expected"),
    [
        ("households", {"tong": 0}, "minimum"),
        ("households", {"registered_on": "2026-13-01"}, "format"),
        ("households", {"colour": "red"}, "additionalProperties"),
        ("visits", {"visit_kind": "party"}, "enum"),
        ("members", {"name": ""}, "minLength"),
        ("crisis_flags", {"reasons": []}, "minItems"),
    ],
)
def test_the_schemas_reject_broken_records(
    sample: dict[str, Any], registry: Registry, section: str, change: dict[str, Any], expected: str
) -> None:
    broken = {**sample[section][0], **change}
    doc = {"format": SAMPLE_FORMAT, section: [broken]}
    errors = list(_validator(registry.contents("sample.schema.json"), registry).iter_errors(doc))
    assert errors, f"{change} was accepted"
    assert expected in _failed_keywords(errors)


def _failed_keywords(errors: list[Any]) -> set[str]:
    """The keywords that failed, including those below `anyOf` (reported as the error's context)."""
    found: set[str] = set()
    stack = list(errors)
    while stack:
        error = stack.pop()
        found.add(error.validator)
        stack.extend(error.context or ())
    return found


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_a_wrong_format_tag_is_rejected(sample: dict[str, Any], registry: Registry) -> None:
    validator = _validator(registry.contents("sample.schema.json"), registry)
    assert not validator.is_valid({**sample, "format": "chandong-sample/0"})
    assert not validator.is_valid({**sample, "extra": []})


# --- determinism and the committed file --------------------------------------------------------------


def test_generator_is_deterministic() -> None:
    assert to_json(generate("small"), indent=True) == to_json(generate("small"), indent=True)


def test_a_different_seed_gives_different_data() -> None:
    assert generate("small", seed=1)["members"] != generate("small", seed=2)["members"]


def test_small_sample_regenerates_byte_identical() -> None:
    assert to_json(generate("small"), indent=True) == SAMPLE.read_bytes()


def test_command_line_writes_the_same_bytes(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    out = tmp_path / "small.json"
    assert main(["--size", "small", "--out", str(out)]) == 0
    assert out.read_bytes() == SAMPLE.read_bytes()
    assert main(["--size", "small", "--seed", "7"]) == 0
    assert orjson.loads(capsysbinary.readouterr().out)["format"] == SAMPLE_FORMAT


def test_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown size"):
        generate("gu-of-everything")


# --- contents ------------------------------------------------------------------------------------------


def test_small_sample_counts(sample: dict[str, Any]) -> None:
    assert sample["format"] == SAMPLE_FORMAT
    assert list(sample) == ["format", *SECTIONS]
    counts = {key: len(value) for key, value in sample.items() if isinstance(value, list)}
    assert counts["workers"] == 6
    assert counts["households"] == 200
    assert counts["members"] == 400
    assert counts["visits"] == 2_000
    assert counts["crisis_flags"] == 40
    assert counts["conferences"] == 20
    assert counts["handoffs"] == 30
    assert 5 <= counts["tasks"] <= 60
    assert sample["dong"] == {"id": "1159053000", "gu": "동작구", "name": "상도1동"}


def test_workers_have_the_agreed_ids_and_roles(sample: dict[str, Any]) -> None:
    roles = {w["id"]: w["role"] for w in sample["workers"]}
    assert roles == {
        "planner": "welfare_planner",
        "nurse": "visiting_nurse",
        "officer": "neighbourhood_officer",
        "supervisor": "supervisor",
        "manager": "case_manager",
        "counsellor": "counsellor",
    }


def test_sample_contains_kim_cheolsu_as_a_head_and_the_hostile_texts(sample: dict[str, Any]) -> None:
    heads = [m for m in sample["members"] if m["name"] == "김철수"]
    assert len(heads) == 1 and heads[0]["relation"] == "head"
    assert any(m["name"] == "[bold]김[/]" for m in sample["members"])
    assert sum("\x1b[2J" in h["address_detail"] for h in sample["households"]) == 1
    # only those: every other text is ordinary
    texts = _strings(sample)
    assert sum(any(ord(c) < 32 for c in text) for text in texts) == 1
    assert sorted(text for text in texts if "[" in text or "\x1b" in text) == sorted(
        [
            "[bold]김[/]",
            next(h["address_detail"] for h in sample["households"] if "\x1b" in h["address_detail"]),
        ]
    )


def test_every_record_validates_with_its_model_as_of_the_anchor(sample: dict[str, Any]) -> None:
    for section, cls in SECTIONS.items():
        items = [sample[section]] if section == "dong" else sample[section]
        for item in items:
            record: Record = cls.model_validate(item, context={"today": DEFAULT_ANCHOR})
            assert record.model_dump(mode="json") == item


def test_references_and_ids(sample: dict[str, Any]) -> None:
    workers = {w["id"] for w in sample["workers"]}
    households = {h["id"]: h for h in sample["households"]}
    conferences = {c["id"] for c in sample["conferences"]}
    for section in SECTIONS:
        if section != "dong":
            ids = [item["id"] for item in sample[section]]
            assert len(ids) == len(set(ids)), section
    assert Counter(m["household_id"] for m in sample["members"]).keys() == households.keys()
    for h in sample["households"]:
        assert h["owner_id"] is None or h["owner_id"] in workers
        assert 1 <= h["tong"] <= 30 and 1 <= h["ban"] <= 12
        assert "가상" in h["road_address"]
        assert h["consent"]["given"] == (h["consent"]["on"] is not None)
    for v in sample["visits"]:
        assert v["worker_id"] in workers and v["household_id"] in households
    for f in sample["crisis_flags"]:
        assert f["raised_by"] in workers and f["household_id"] in households
    for t in sample["tasks"]:
        assert t["owner_id"] in workers and t["conference_id"] in conferences
    for c in sample["conferences"]:
        assert c["facilitator_id"] in workers
        assert all(item["household_id"] in households for item in c["agenda"])
    for h in sample["handoffs"]:
        assert h["household_id"] in households and h["from_worker_id"] in workers


def test_members_are_fictional_and_consistent(sample: dict[str, Any]) -> None:
    with_rrn = [m for m in sample["members"] if m["rrn"]]
    assert 0 < len(with_rrn) < len(sample["members"]) / 3
    for m in with_rrn:
        birth = dt.date.fromisoformat(m["birth_date"])
        assert m["rrn"][:6] == f"{birth:%y%m%d}"
        digit = m["rrn"][7]
        assert digit in (("1", "3") if m["sex"] == "male" else ("2", "4"))
        assert (digit in "12") == (birth.year < 2000)
    for m in sample["members"]:
        assert m["phone"] is None or m["phone"].startswith("010-0")
    # a household head, the elderly living alone, 65세 도래 and 출산가정 tags match the members
    by_household: dict[str, list[dict[str, Any]]] = {}
    for m in sample["members"]:
        by_household.setdefault(m["household_id"], []).append(m)
    year = DEFAULT_ANCHOR.year
    for h in sample["households"]:
        members = by_household[h["id"]]
        assert sum(m["relation"] == "head" for m in members) == 1
        births = [dt.date.fromisoformat(m["birth_date"]) for m in members]
        if "elderly_alone" in h["tags"]:
            assert len(members) == 1 and year - births[0].year >= 65
        if "turning_65" in h["tags"]:
            assert any(b.year == year - 65 for b in births)
        if "newborn" in h["tags"]:
            assert any((DEFAULT_ANCHOR - b).days <= 366 for b in births)
    assert any(m["health"] for m in sample["members"])


def test_visits_are_plausible(sample: dict[str, Any]) -> None:
    roles = {w["id"]: w["role"] for w in sample["workers"]}
    registered = {h["id"]: h["registered_on"] for h in sample["households"]}
    anchor = DEFAULT_ANCHOR.isoformat()
    two_years_before = (DEFAULT_ANCHOR - dt.timedelta(days=731)).isoformat()
    for v in sample["visits"]:
        assert two_years_before <= registered[v["household_id"]] <= v["visited_on"] <= anchor
        assert (roles[v["worker_id"]] == "visiting_nurse") == (v["visit_kind"] == "health")
        assert (v["health_measures"] is not None) == (v["visit_kind"] == "health")
        if v["next_visit_due"]:
            assert v["next_visit_due"] > v["visited_on"]
    assert sum(bool(v["next_visit_due"]) for v in sample["visits"]) > len(sample["visits"]) / 2
    categories = Counter(r["category"] for v in sample["visits"] for r in v["resources"])
    assert categories["health"] > 0 and categories["welfare"] > 0
    assert [v["id"] for v in sample["visits"]] == sorted(v["id"] for v in sample["visits"])


def test_crisis_flags_have_running_late_and_met_clocks(sample: dict[str, Any]) -> None:
    in_time = late = unvisited = 0
    for f in sample["crisis_flags"]:
        raised = dt.datetime.fromisoformat(f["raised_at"])
        assert raised.utcoffset() == dt.timedelta(hours=9)
        if f["first_visit_at"] is None:
            unvisited += 1
            assert f["state"] == "open"
            continue
        hours = (dt.datetime.fromisoformat(f["first_visit_at"]) - raised).total_seconds() / 3600
        assert hours > 0
        in_time += hours <= 72
        late += hours > 72
        if f["state"] == "resolved":
            assert dt.datetime.fromisoformat(f["resolved_at"]) >= dt.datetime.fromisoformat(
                f["first_visit_at"]
            )
    assert in_time > late > 0 and unvisited > 0
    assert any(f["supports"] for f in sample["crisis_flags"])


def test_conferences_decide_in_the_past_only(sample: dict[str, Any]) -> None:
    states = Counter(c["state"] for c in sample["conferences"])
    assert states["sealed"] > 0 and states["scheduled"] > 0
    for c in sample["conferences"]:
        decisions = [item["decision"] for item in c["agenda"]]
        assert c["agenda"], c["id"]
        if c["state"] == "sealed":
            assert all(decisions) and c["scheduled_at"][:10] < DEFAULT_ANCHOR.isoformat()
        if c["state"] == "scheduled":
            assert not any(decisions)
        assert any(a["worker_id"] is None for a in c["attendees"]) or c["conference_kind"] == "dong"
    assert any(c["scheduled_at"][:10] > DEFAULT_ANCHOR.isoformat() for c in sample["conferences"])


def test_handoff_histories_match_their_state(sample: dict[str, Any]) -> None:
    allowed = {
        ("requested", "accepted"),
        ("requested", "declined"),
        ("requested", "returned"),
        ("requested", "cancelled"),
        ("returned", "requested"),
    }
    for h in sample["handoffs"]:
        states = [e["state"] for e in h["history"]]
        times = [dt.datetime.fromisoformat(e["at"]) for e in h["history"]]
        assert states[0] == "requested" and states[-1] == h["state"]
        assert all(pair in allowed for pair in zip(states, states[1:], strict=False))
        assert times == sorted(times)
        assert (h["target"] == "worker") == (h["to_worker_id"] is not None)
        assert (h["target"] == "dong") == (h["to_dong_code"] is not None)
        assert h["to_worker_id"] != h["from_worker_id"]
    assert len({h["state"] for h in sample["handoffs"]}) >= 4


def test_dong_size_counts_are_exact() -> None:
    doc = generate("dong")
    counts = {key: len(value) for key, value in doc.items() if isinstance(value, list)}
    assert counts["households"] == 3_000
    assert counts["members"] == 6_000
    assert counts["visits"] == 30_000
    assert counts["crisis_flags"] == 2_000
    assert counts["conferences"] == 500
    assert counts["handoffs"] == 1_000
    assert {"planner", "nurse", "officer", "supervisor", "manager", "counsellor"} <= {
        w["id"] for w in doc["workers"]
    }
    first = min(v["visited_on"] for v in doc["visits"])
    assert first < (DEFAULT_ANCHOR - dt.timedelta(days=365 * 9)).isoformat()
    assert max(v["visited_on"] for v in doc["visits"]) <= DEFAULT_ANCHOR.isoformat()
