"""The sealed cache file: format 2 (a pickle of plain data with equal values shared) is read back
equal, shares what it may and nothing else, refuses anything but plain data, and format 1 (JSON)
still opens."""

from __future__ import annotations

import collections
import pickle
from pathlib import Path
from typing import Any

import orjson

from chandong_tui.vault import cache
from chandong_tui.vault.crypto import seal

KEY = bytes(32)
AAD = b"|test"
CLOCK = [1796647541824, 9, "f34dd25430fcc641", "f34dd25430fcc641.14"]


def rows() -> dict[str, Any]:
    def clock() -> list[Any]:
        return list(CLOCK)  # a copy, as a parser gives one per occurrence

    return {
        "household": {
            "hh-1": {"_c": clock(), "tags": ["elderly"], "owner_id": "planner", "flag": [True]},
            "hh-2": {"_c": clock(), "tags": ["elderly"], "owner_id": "planner", "flag": [1]},
            "hh-3": {"_v": {"tong": {"live": {"x": [3, clock(), "admin", True]}, "lww": clock()}}},
        },
        cache.META_TABLE: {"state": {"chunks": {"a": [1, 2], "b": [1, 2]}}},
    }


def storage(path: Path) -> cache.EncryptedMemoryStorage:
    return cache.EncryptedMemoryStorage(path / "cache.tdb", KEY, AAD)


def reloaded(path: Path) -> dict[str, Any]:
    again = storage(path)
    assert again.load()
    again.release()
    tables = again.read()
    assert tables is not None
    return tables


def test_rows_come_back_equal_with_equal_values_shared(tmp_path: Path) -> None:
    writer = storage(tmp_path)
    writer.write(rows())
    writer.flush()
    assert (tmp_path / "cache.tdb").read_bytes().startswith(cache._MAGIC)
    tables = reloaded(tmp_path)
    assert tables == rows()
    hh = tables["household"]
    assert hh["hh-1"]["_c"] is hh["hh-2"]["_c"] is hh["hh-3"]["_v"]["tong"]["lww"]
    assert hh["hh-1"]["tags"] is hh["hh-2"]["tags"]
    assert hh["hh-1"]["owner_id"] is hh["hh-2"]["owner_id"]
    # [True] and [1] are equal in Python, but each keeps its own type
    assert type(hh["hh-1"]["flag"][0]) is bool and type(hh["hh-2"]["flag"][0]) is int
    chunks = tables[cache.META_TABLE]["state"]["chunks"]
    assert chunks["a"] == chunks["b"] and chunks["a"] is not chunks["b"]  # appended to in place


def test_rows_written_after_loading_are_shared_at_the_next_flush(tmp_path: Path) -> None:
    writer = storage(tmp_path)
    writer.write(rows())
    writer.flush()
    live = storage(tmp_path)
    assert live.load()
    db = cache.RowDB(storage=lambda: live)
    for row_id in ("hh-4", "hh-5"):
        db.table("household").put_row(row_id, {"_c": list(CLOCK), "tags": ["elderly"], "owner_id": "x"})
    assert live.written == {("household", "hh-4"), ("household", "hh-5")}
    live.flush()
    live.release()
    assert live.written == set()
    hh = reloaded(tmp_path)["household"]
    assert hh["hh-4"] == hh["hh-5"] == {"_c": CLOCK, "tags": ["elderly"], "owner_id": "x"}
    assert hh["hh-4"]["_c"] is hh["hh-5"]["_c"]  # shared among themselves (not with older rows)
    assert hh["hh-4"]["tags"] is hh["hh-5"]["tags"]
    assert hh["hh-1"]["_c"] is hh["hh-2"]["_c"]  # and the older rows still among themselves


def test_merging_into_a_shared_row_leaves_the_others_as_they_were(tmp_path: Path) -> None:
    from chandong_tui.vault.hlc import Stamp
    from chandong_tui.vault.ops import Op

    writer = storage(tmp_path)
    writer.write(rows())
    writer.flush()
    live = storage(tmp_path)
    assert live.load()
    db = cache.RowDB(storage=lambda: live)
    before = rows()["household"]["hh-2"]
    op = Op(
        id="dev2.1",
        hlc=Stamp(CLOCK[0] + 1, 0, "dev2"),
        actor="planner",
        table="household",
        row="hh-1",
        set={"tags": ["elderly", "poverty"], "owner_id": "officer"},
    )
    assert cache.apply_op(db, op)
    household = live.read()["household"]  # type: ignore[index]
    assert household["hh-1"]["tags"] == ["elderly", "poverty"]
    assert household["hh-2"] == before  # it shared its tags and clock with hh-1
    live.release()


def test_a_rebuilt_cache_is_sealed_as_it_is_and_shared_by_the_next_session(tmp_path: Path) -> None:
    writer = storage(tmp_path)
    writer.write(rows())
    writer.flush(share=False)
    first = reloaded(tmp_path)["household"]
    assert first["hh-1"]["_c"] == first["hh-2"]["_c"] and first["hh-1"]["_c"] is not first["hh-2"]["_c"]
    again = storage(tmp_path)
    assert again.load()
    again.flush()  # nothing written since the load, but what was loaded was not shared yet
    again.release()
    second = reloaded(tmp_path)["household"]
    assert second["hh-1"]["_c"] is second["hh-2"]["_c"]


def test_a_cache_of_the_json_format_still_opens(tmp_path: Path) -> None:
    plain = orjson.dumps(rows())
    sealed = seal(KEY, plain, cache._MAGIC_JSON + AAD)
    (tmp_path / "cache.tdb").write_bytes(cache._MAGIC_JSON + sealed)
    assert reloaded(tmp_path) == rows()


def test_a_pickle_naming_any_class_is_refused(tmp_path: Path) -> None:
    class Boom:
        def __reduce__(self) -> tuple[Any, ...]:
            return (Path.touch, (tmp_path / "ran",))

    for payload in (collections.OrderedDict(a=1), Boom()):
        plain = pickle.dumps({"tables": {"household": {"hh-1": {"x": payload}}}, "shared": True})
        (tmp_path / "cache.tdb").write_bytes(cache._MAGIC + seal(KEY, plain, cache._MAGIC + AAD))
        before = cache._frozen_caches
        loader = storage(tmp_path)
        assert not loader.load()  # then the session rebuilds the cache from the ops
        assert loader.read() is None
        assert cache._frozen_caches == before
    assert not (tmp_path / "ran").exists()


def test_a_sealed_document_of_another_shape_is_refused(tmp_path: Path) -> None:
    plain = pickle.dumps(["not", "a", "cache"])
    (tmp_path / "cache.tdb").write_bytes(cache._MAGIC + seal(KEY, plain, cache._MAGIC + AAD))
    assert not storage(tmp_path).load()


def test_rows_are_not_noted_one_by_one_while_the_whole_cache_is_shared_anyway(tmp_path: Path) -> None:
    fresh = storage(tmp_path)  # nothing loaded, as in a rebuild: every row is shared at the flush
    fresh.write({})
    db = cache.RowDB(storage=lambda: fresh)
    for i in range(3):
        db.table("visit").put_row(f"v-{i}", {"_c": list(CLOCK), "worker_id": "planner"})
    assert fresh.written == set()
    fresh.flush()
    visits = reloaded(tmp_path)["visit"]
    assert (
        visits["v-0"]["_c"] is visits["v-2"]["_c"]
        and visits["v-1"]["worker_id"] is visits["v-2"]["worker_id"]
    )
