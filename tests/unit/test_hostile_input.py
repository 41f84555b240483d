"""Hostile input from dialogs and the command line: a clear message, and nothing changes.

Decoder payloads are fuzzed in test_fuzz_decode.py. Here hypothesis drives what a person
types: reset targets beyond the end, before the start or in the future; tail start
positions; connector and subject names with path or control characters; and options the
CLI must refuse before it opens any connection. The endpoints used are unreachable, so
an InvalidInput (not a ConnectionFailed) proves that no request was sent.
"""

from __future__ import annotations

import time
from urllib.parse import unquote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kafkatui.cli.main import main
from kafkatui.cluster.api import TailStart
from kafkatui.cluster.connect import Connect, validate_name
from kafkatui.cluster.errors import ConnectionFailed, InvalidInput
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.http import to_error
from kafkatui.cluster.models import ResetMode, ResetSpec
from kafkatui.cluster.registry import Registry
from kafkatui.cluster.resets import PartitionOffsets, plan_rows
from kafkatui.cluster.settings import HttpEndpoint
from kafkatui.cluster.tail import _start_offsets

HOSTILE = settings(max_examples=400, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
NOWHERE = "http://127.0.0.1:1"  # nothing listens: a request would fail with ConnectionFailed


# ---- reset planner ----------------------------------------------------------------------
@st.composite
def partition_offsets(draw: st.DrawFn) -> list[PartitionOffsets]:
    count = draw(st.integers(1, 6))
    found = []
    for p in range(count):
        low = draw(st.integers(0, 10**6))
        high = low + draw(st.integers(0, 10**6))
        current = draw(st.none() | st.integers(0, 3 * 10**6))  # may lie outside [low, high]
        found.append(PartitionOffsets("orders", p, current, low, high))
    return found


def _warned(plan_warnings: tuple[str, ...], p: PartitionOffsets) -> bool:
    return any(f"orders-{p.partition}" in w for w in plan_warnings)


@HOSTILE
@given(partition_offsets(), st.integers(0, 10**13))
def test_any_target_offset_lands_inside_the_log_and_a_clamp_is_announced(
    parts: list[PartitionOffsets], target: int
) -> None:
    plan = plan_rows("g", ResetSpec(ResetMode.OFFSET, target), parts)
    assert len(plan.rows) == len(parts)
    for row, p in zip(plan.rows, parts, strict=True):
        assert (row.current, row.low, row.high) == (p.current, p.low, p.high)
        assert p.low <= row.new <= p.high
        outside = not p.low <= target <= p.high
        assert row.new == (min(max(target, p.low), p.high))
        assert _warned(plan.warnings, p) == outside


@HOSTILE
@given(partition_offsets(), st.integers(-(10**13), 10**13))
def test_any_shift_lands_inside_the_log_and_a_clamp_is_announced(
    parts: list[PartitionOffsets], shift: int
) -> None:
    plan = plan_rows("g", ResetSpec(ResetMode.SHIFT, shift), parts)
    for row, p in zip(plan.rows, parts, strict=True):
        assert p.low <= row.new <= p.high
        base = p.high if p.current is None else p.current
        assert row.new == min(max(base + shift, p.low), p.high)
        if not p.low <= base + shift <= p.high or p.current is None:
            assert _warned(plan.warnings, p)
        if base + shift < p.low:
            assert any("before the start" in w and f"orders-{p.partition}" in w
                       for w in plan.warnings)  # fmt: skip


@HOSTILE
@given(partition_offsets(), st.integers(1, 10**6))
def test_a_time_in_the_future_moves_every_partition_to_its_end_with_one_warning(
    parts: list[PartitionOffsets], seconds_ahead: int
) -> None:
    now_ms = 1_700_000_000_000
    ahead = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now_ms / 1000 + seconds_ahead))
    by_time = {("orders", p.partition): p.low for p in parts}  # would be wrong to use
    plan = plan_rows("g", ResetSpec(ResetMode.DATETIME, ahead), parts, by_time, now_ms)
    assert [row.new for row in plan.rows] == [p.high for p in parts]
    assert len(plan.warnings) == 1 and "future" in plan.warnings[0]


@pytest.mark.parametrize(
    "spec",
    [
        ResetSpec(ResetMode.OFFSET, -1),
        ResetSpec(ResetMode.OFFSET, "12"),
        ResetSpec(ResetMode.SHIFT, None),
        ResetSpec(ResetMode.SHIFT, True),
        ResetSpec(ResetMode.DATETIME, "next tuesday"),
        ResetSpec(ResetMode.DATETIME, 1700000000000),
    ],
)
def test_malformed_reset_values_are_refused_with_the_value_named(spec: ResetSpec) -> None:
    parts = [PartitionOffsets("orders", 0, 5, 0, 10)]
    with pytest.raises(InvalidInput) as err:
        plan_rows("g", spec, parts)
    assert str(spec.value) in str(err.value) or "ISO 8601" in str(err.value)


# ---- tail start positions ---------------------------------------------------------------
@st.composite
def watermarks(draw: st.DrawFn) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    lows, highs, times = {}, {}, {}
    for p in range(draw(st.integers(1, 5))):
        lows[p] = draw(st.integers(0, 10**9))
        highs[p] = lows[p] + draw(st.integers(0, 10**9))
        times[p] = draw(st.sampled_from([-1, lows[p], highs[p]]))  # -1: nothing at or after
    return lows, highs, times


@HOSTILE
@given(
    watermarks(),
    st.sampled_from(["earliest", "latest", "offset", "last", "timestamp"]),
    st.none() | st.integers(-(10**15), 10**15),
)
def test_any_tail_start_begins_inside_the_log(
    marks: tuple[dict[int, int], dict[int, int], dict[int, int]], mode: str, value: int | None
) -> None:
    lows, highs, times = marks
    start = TailStart(mode, value)  # type: ignore[arg-type]
    offsets = _start_offsets(start, lows, highs, times)
    assert offsets.keys() == lows.keys()
    for p, offset in offsets.items():
        assert lows[p] <= offset <= highs[p]
        if mode == "offset" and value is not None and value > highs[p]:
            assert offset == highs[p]  # beyond the end: wait there for new records
        if mode == "last" and value is not None and value > highs[p] - lows[p]:
            assert offset == lows[p]  # more than the log holds: all of it
        if mode == "timestamp" and times[p] == -1:
            assert offset == highs[p]  # a time in the future: only new records


# ---- names that could change a request path -----------------------------------------------
names = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["../admin", "a/../../b", "%2e%2e/x", "x?expand=info", "x#frag", "a\\b", "..", "a\r\nHost: x"]
)


@HOSTILE
@given(names)
def test_a_connector_name_is_refused_or_stays_one_path_segment(name: str) -> None:
    try:
        quoted = validate_name(name)
    except InvalidInput as err:
        assert "\n" not in str(err) and "\r" not in str(err)  # shown on one line
        return
    assert not set(quoted) & set("/?#\\ \r\n\t")
    assert unquote(quoted) == name
    assert name.strip() and ".." not in name


@HOSTILE
@given(names.filter(lambda n: not _valid_connector_name(n)))
def test_a_refused_connector_name_never_reaches_the_network(name: str) -> None:
    connect = Connect([HttpEndpoint(url=NOWHERE, name="c", timeout_s=0.5)], Guard(audit_path=None))
    for call in (connect.status, connect.config, connect.offsets, connect.pause, connect.delete):
        with pytest.raises(InvalidInput):
            call("c", name)
    with pytest.raises(InvalidInput):
        connect.create("c", name, {"connector.class": "FileStreamSource"})


def _valid_connector_name(name: str) -> bool:
    try:
        validate_name(name)
    except InvalidInput:
        return False
    return True


@pytest.mark.parametrize("subject", ["", "orders\n", "a\x00b", "tab\there"])
def test_a_subject_with_control_characters_is_refused_before_a_request(subject: str) -> None:
    registry = Registry(HttpEndpoint(url=NOWHERE, name="r", timeout_s=0.5), Guard(audit_path=None))
    with pytest.raises(InvalidInput):
        registry.versions(subject)
    with pytest.raises(InvalidInput):
        registry.register(subject, '"string"')


def test_an_unknown_schema_type_is_refused_before_a_request() -> None:
    registry = Registry(HttpEndpoint(url=NOWHERE, name="r", timeout_s=0.5), Guard(audit_path=None))
    with pytest.raises(InvalidInput, match="unknown schema type"):
        registry.check("orders-value", "syntax = 'proto3';", "PROTO3")


def test_a_connection_lost_mid_keep_alive_says_so() -> None:
    endpoint = HttpEndpoint(url="http://connect:8083", name="main")
    request = httpx.Request("GET", "http://connect:8083/connectors")
    err = to_error(httpx.ReadError("", request=request), endpoint)
    assert type(err) is ConnectionFailed
    assert str(err) == "main (http://connect:8083): connection lost: is the server running?"


# ---- the CLI refuses bad options before it connects ------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["reset-offsets", "g", "--topic", "orders:x", "--to-earliest"],
        ["reset-offsets", "g", "--topic", ":1", "--to-latest"],
        ["reset-offsets", "g", "--topic", "orders", "--to-datetime", "someday"],
        ["reset-offsets", "g", "--topic", "orders", "--to-offset", "-5"],
        ["reset-offsets", "g", "--topic", "orders", "--shift-by", "1e3"],
        ["reset-offsets", "g", "--topic", "orders"],
        ["tail", "orders", "--from", "yesterday-ish"],
        ["tail", "orders", "--follow", "--until-end"],
        ["tail", "orders", "--max", "-1"],
        ["tail", "orders", "--value-format", "xml"],
    ],
)
def test_bad_cli_input_is_a_usage_error_before_any_connection(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("KAFKATUI_CONFIG", raising=False)
    monkeypatch.delenv("KAFKATUI_PROFILE", raising=False)
    started = time.monotonic()
    code = main(["-b", "127.0.0.1:1", *argv])
    err = capsys.readouterr().err
    assert code == 2, err  # 3 would mean it tried to connect first
    assert time.monotonic() - started < 5
    assert "Traceback" not in err
    assert "error" in err.lower()
