import asyncio

import pytest

from judgebench.run.progress import (
    Meter, MeterBoard, current_meter, describe_progress, eta_seconds, format_duration, reporting_to,
)
from judgebench.run.runner import run_coroutine


def test_eta_is_the_pace_of_this_pass():
    assert eta_seconds(0, 10, 5.0) is None                     # nothing judged yet: no pace
    assert eta_seconds(4, 10, 8.0) == pytest.approx(12.0)      # 2 s each, 6 left
    assert eta_seconds(14, 20, 8.0, already=10) == pytest.approx(12.0)   # resumed: the 10 done before say nothing
    assert eta_seconds(10, 10, 3.0) == 0.0


def test_descriptions():
    assert describe_progress(4, 10, 12.4) == "4/10 judged (40%) · about 12 s left"
    assert describe_progress(10, 10, 0.0) == "10/10 judged (100%)"
    assert describe_progress(0, 0, None) == "0/0 judged"
    assert (format_duration(89.4), format_duration(125), format_duration(7300)) == ("89 s", "2 min 05 s", "2 h 01 min")


def test_a_meter_adds_passes_and_says_where_it_is(capsys):
    meter = Meter("labeling", terminal=True)
    meter.begin(8, already=2)
    meter.advance(3)
    meter.begin(4)                                             # a second pass: 12 in all
    snap = meter.snapshot()
    assert (snap["done"], snap["total"], snap["finished"]) == (5, 12, False)
    assert snap["text"].startswith("labeling: 5/12 judged (42%) · about ")
    meter.close()
    assert meter.snapshot()["finished"] and "labeling" in capsys.readouterr().err     # the bar went to stderr


def test_reporting_to_reaches_code_run_in_another_thread_and_is_undone():
    meter = Meter()

    async def inside():
        return current_meter()

    async def in_a_loop():                  # run_coroutine from a running loop uses a thread
        return run_coroutine(inside())

    with reporting_to(meter):
        assert run_coroutine(inside()) is meter
        assert asyncio.run(in_a_loop()) is meter
    assert current_meter() is None and meter.finished


def test_the_board_keeps_the_latest_operations():
    board = MeterBoard(keep=2)
    assert board.open(None, "x") is None and board.open("", "x") is None
    for name in ("a", "b", "c"):
        board.open(name, name).begin(3)
    assert board.snapshot("a") is None and board.snapshot("c")["total"] == 3


def test_the_runner_advances_the_meter_it_is_given(server, tmp_path):
    from judgebench.config import judge_spec
    from judgebench.data.schema import Dataset, DatasetSpec, Item
    from judgebench.judges.prompts import CriteriaPrompt
    from judgebench.kinds import BINARY
    from judgebench.run.plan import PlanOptions, plan_calls
    from judgebench.run.session import judge_now
    from tests.run.helpers import judge

    server.configure(default="Yes")
    items = tuple(Item(f"i{k}", {"input": f"question {k}"}, ()) for k in range(6))
    calls = plan_calls(Dataset(DatasetSpec.of_columns("d", BINARY, ["input"]), items), [judge_spec(judge(server))],
                       [CriteriaPrompt("p", "binary", "{input}? Yes or No.")], PlanOptions())
    meter = Meter("judging")
    with reporting_to(meter):
        judge_now(calls, tmp_path / "cache.sqlite", "r")
        judge_now(calls, tmp_path / "cache.sqlite", "r")       # again: cached, and counted
    assert (meter.done, meter.total, meter.finished) == (12, 12, True)
