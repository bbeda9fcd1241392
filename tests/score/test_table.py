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
    metrics = result["metrics"]
    assert metrics["system_spearman"]["estimate"] == pytest.approx(
        grouped_correlation(judge, human, [i.fields["system"] for i in items], level="system"))
    assert metrics["summary_kendall"]["estimate"] == pytest.approx(
        grouped_correlation(judge, human, [i.fields["document"] for i in items], method="kendall", level="within"))
    assert result["coverage"] == 1.0 and metrics["spearman"]["low"] < metrics["spearman"]["high"]
