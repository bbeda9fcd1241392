import numpy as np
import pytest

from judgebench.data.schema import DataError, Item
from judgebench.estimate.report import MIN_LABELS, estimate_judge, labeled_ids
from judgebench.kinds import BINARY, PAIRWISE

SYSTEMS = ["alpha", "beta", "gamma", "delta"]
STRENGTH = {"alpha": 2.0, "beta": 1.0, "gamma": 0.0, "delta": -1.0}


def comparisons(n: int = 1200, seed: int = 0):
    """Pairs of systems; people prefer the stronger one; the judge also favours `gamma` (its own family)."""
    rng = np.random.default_rng(seed)
    items, verdicts = [], {}
    for k in range(n):
        a, b = rng.choice(SYSTEMS, 2, replace=False)
        p_a = 1 / (1 + np.exp(STRENGTH[b] - STRENGTH[a]))
        human = "A" if rng.random() < p_a else "B"
        judge = human if rng.random() < 0.8 else ("A" if human == "B" else "B")
        if "gamma" in (a, b) and rng.random() < 0.5:
            judge = "A" if a == "gamma" else "B"
        items.append(Item(f"c{k}", {"model_a": str(a), "model_b": str(b)}, (human,)))
        verdicts[f"c{k}"] = judge
    return items, verdicts


def test_per_system_scores_bias_ranks_and_tau():
    items, verdicts = comparisons()
    labeled = labeled_ids(PAIRWISE, items, budget=400, seed=1)
    result = estimate_judge(PAIRWISE, items, verdicts, "j", labeled, by="system", half_width=0.05)
    groups = {g.group: g for g in result.groups}
    assert list(groups) == ["all", *sorted(SYSTEMS)]
    # Each comparison counts once for each of its two systems: 2,400 memberships over four systems.
    assert sum(g.labeled + g.unlabeled for g in result.groups[1:]) == 2 * len(items)
    gamma_judge = np.mean([(verdicts[i.item_id] == "A") if i.fields["model_a"] == "gamma" else
                           (verdicts[i.item_id] == "B") for i in items if "gamma" in i.fields.values()])
    assert groups["gamma"].judge_only.estimate == pytest.approx(gamma_judge)
    assert groups["gamma"].bias.low > 0.1                      # the judge's favourite, caught
    assert groups["alpha"].rank == (1, 1) and groups["delta"].rank[1] == 4
    assert result.kendall_tau is not None
    overall = groups["all"]
    assert overall.corrected.half_width < overall.human_only.half_width
    assert overall.budget[0] < overall.budget[1]


def test_binary_pass_rate_gets_rogan_gladen_too():
    rng = np.random.default_rng(3)
    truth = rng.random(800) < 0.4
    judge = np.where(truth, rng.random(800) < 0.9, rng.random(800) < 0.25)
    items = [Item(f"i{k}", {"g": "x" if k % 2 else "y"}, (int(t),)) for k, t in enumerate(truth)]
    verdicts = {f"i{k}": int(v) for k, v in enumerate(judge)}
    result = estimate_judge(BINARY, items, verdicts, "j", labeled_ids(BINARY, items, 150, 0), by="g")
    overall = result.groups[0]
    assert overall.prevalence is not None and overall.prevalence.low <= truth.mean() <= overall.prevalence.high
    assert overall.corrected.low <= truth.mean() <= overall.corrected.high
    assert not overall.judge_only.low <= truth.mean() <= overall.judge_only.high      # the judge over-passes
    assert [g.group for g in result.groups] == ["all", "x", "y"]


def test_bad_input_is_refused_before_anything_is_computed():
    items = [Item(f"i{k}", {"g": "x"}, (k % 2,)) for k in range(30)]
    verdicts = {f"i{k}": k % 2 for k in range(30)}
    with pytest.raises(DataError, match="no item has a human label"):
        labeled_ids(BINARY, [Item("a", {}, ())], None)
    with pytest.raises(DataError, match="--human-budget 40 is more than the 30 items"):
        labeled_ids(BINARY, items, 40)
    with pytest.raises(DataError, match="no column 'team' to group by \\(columns: g\\)"):
        estimate_judge(BINARY, items, verdicts, "j", labeled_ids(BINARY, items), by="team")
    failed = dict(verdicts, i3=None, i4=None)
    with pytest.raises(DataError, match="2 item\\(s\\) with a human label have no verdict from judge j"):
        estimate_judge(BINARY, items, failed, "j", labeled_ids(BINARY, items))
    few = estimate_judge(BINARY, items, verdicts, "j", labeled_ids(BINARY, items, MIN_LABELS - 1, 0))
    assert few.groups[0].corrected is None and "needs at least 10" in few.groups[0].note
