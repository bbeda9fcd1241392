import numpy as np
import pytest

from judgebench.data.schema import Item
from judgebench.kinds import LIKERT
from judgebench.metrics.agreement import grouped_correlation
from judgebench.score.table import JudgeVerdicts, ScoreOptions, score_judge


def test_system_and_summary_level_correlations_for_summeval_shaped_items():
    rng = np.random.default_rng(0)
    items, verdicts = [], {}
    for doc in range(6):
        for system in range(4):
            human = float(rng.integers(1, 6))
            item = Item(f"d{doc}s{system}", {"document": f"d{doc}", "system": f"s{system}"}, (human,))
            items.append(item)
            verdicts[item.item_id] = float(np.clip(round(human + rng.normal(0, 1)), 1, 5))
    result = score_judge(LIKERT, items, JudgeVerdicts("j", verdicts), ScoreOptions(resamples=100))
    human = [i.human[0] for i in items]
    judge = [verdicts[i.item_id] for i in items]
    metrics = result.to_dict()["metrics"]
    assert metrics["system_spearman"]["estimate"] == pytest.approx(
        grouped_correlation(judge, human, [i.fields["system"] for i in items], level="system"))
    assert metrics["summary_kendall"]["estimate"] == pytest.approx(
        grouped_correlation(judge, human, [i.fields["document"] for i in items], method="kendall", level="within"))
    assert result.coverage == 1.0 and metrics["spearman"]["low"] < metrics["spearman"]["high"]
    assert metrics["system_spearman"]["low"] is None and "without an interval" in metrics["system_spearman"]["undefined"]


def test_the_scorecard_is_strict_json_and_old_versions_are_refused(tmp_path):
    import json

    from judgebench.kinds import BINARY
    from judgebench.score.report import score_all
    from judgebench.score.scorecard import SCHEMA_VERSION, ScorecardError, read_scorecard, write_scorecard

    items = [Item(f"i{n}", {}, (1,)) for n in range(6)]                  # humans all say 1: kappa undefined
    card = score_all(BINARY, items, [JudgeVerdicts("always_yes", {i.item_id: 1 for i in items}),
                                     JudgeVerdicts("mixed", {i.item_id: n % 2 for n, i in enumerate(items)})],
                     ScoreOptions(resamples=50))
    path = tmp_path / "card.json"
    write_scorecard(card, path)
    text = path.read_text()
    assert "NaN" not in text and "Infinity" not in text
    data = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in strict JSON"))
    kappa = data["judges"]["always_yes"]["metrics"]["kappa"]
    assert kappa["estimate"] is None and "undefined" in kappa["undefined"]
    assert data["judges"]["always_yes"]["metrics"]["accuracy"] == {"estimate": 1.0, "low": 1.0, "high": 1.0}
    assert data["schema_version"] == SCHEMA_VERSION and data["main_metric"] == "accuracy"
    assert read_scorecard(path) == card.__class__.from_dict(data)
    assert read_scorecard(path).judge("mixed").metrics["accuracy"].value == pytest.approx(0.5)
    path.write_text(json.dumps(data | {"schema_version": 1}))
    with pytest.raises(ScorecardError, match="schema version 1 is not supported"):
        read_scorecard(path)


@pytest.mark.parametrize("seed", range(6))
def test_pairwise_consensus_metrics_match_scikit_learn(seed):
    """PandaLM's metrics (ties a class) and MT-Bench's tie-free accuracy and kappa, as score/ computes them
    from votes and both orders, equal scikit-learn's on the majority label and the combined verdict."""
    from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score

    from judgebench.kinds import PAIRWISE, combine_orders, majority

    rng = np.random.default_rng(seed)
    n, sides = 150, ["A", "B", "tie"]
    votes = [list(rng.choice(sides, int(rng.integers(1, 4)), p=[0.45, 0.4, 0.15])) for _ in range(n)]
    first = [str(rng.choice(sides)) if rng.random() < 0.3 else (majority(v) or "A") for v in votes]
    second = [str(rng.choice(sides)) if rng.random() < 0.2 else a for a in first]
    items = [Item(f"i{k}", {}, tuple(v)) for k, v in enumerate(votes)]
    ids = [i.item_id for i in items]
    score = score_judge(PAIRWISE, items, JudgeVerdicts("j", dict(zip(ids, first)), dict(zip(ids, second))),
                        ScoreOptions(resamples=50))
    truth = [majority(v) for v in votes]
    kept = [k for k, t in enumerate(truth) if t is not None]
    human = [truth[k] for k in kept]
    judge = [combine_orders(first[k], second[k]) for k in kept]
    assert score.metrics["accuracy"].value == pytest.approx(accuracy_score(human, judge))
    assert score.metrics["kappa"].value == pytest.approx(cohen_kappa_score(human, judge))
    assert score.metrics["macro_f1"].value == pytest.approx(f1_score(human, judge, average="macro"))
    tie_free = [(h, j) for h, j in zip(human, judge) if "tie" not in (h, j)]
    h, j = zip(*tie_free)
    assert score.metrics["accuracy_without_ties"].value == pytest.approx(accuracy_score(h, j))
    assert score.metrics["kappa_without_ties"].value == pytest.approx(cohen_kappa_score(h, j))
    # LLMBar's Acc is the mean of the two orders' accuracies against the majority
    per_order = [accuracy_score(human, [order[k] for k in kept]) for order in (first, second)]
    assert score.metrics["llmbar_accuracy"].value == pytest.approx(np.mean(per_order))
    assert score.metrics["accuracy_first_order"].value == pytest.approx(per_order[0])
    both = np.mean([first[k] == second[k] == truth[k] for k in kept])
    assert score.metrics["both_orders_agreement"].value == pytest.approx(both)
    # the counts follow the main metric, which scores every vote of every item
    assert score.scored_items == n and list(score.metrics)[0] == "mt_bench_with_ties"
