"""Dawid-Skene without labels against a planted truth: five judges of known accuracy on 2,000 items."""

import numpy as np
import pytest

from judgebench.trust.unsupervised import UnsupervisedError, dawid_skene

PLANTED = {"j90": 0.9, "j80": 0.8, "j70": 0.7, "j65": 0.65, "j60": 0.6}


def planted(seed=0, items=2000):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, items)
    verdicts = {name: {i: int(v) for i, v in enumerate(np.where(rng.random(items) < accuracy, truth, 1 - truth))}
                for name, accuracy in PLANTED.items()}
    return dict(enumerate(truth.tolist())), verdicts


def test_accuracies_are_recovered_without_labels_and_ranked_right():
    truth, verdicts = planted()
    assessment = dawid_skene(verdicts, resamples=10)
    estimated = {j.judge: j for j in assessment.judges}
    for name, accuracy in PLANTED.items():
        assert estimated[name].accuracy == pytest.approx(accuracy, abs=0.03), name
        assert estimated[name].low <= estimated[name].accuracy <= estimated[name].high
        assert estimated[name].measured_accuracy is None          # no labels were given
    ranked = sorted(PLANTED, key=lambda n: -estimated[n].accuracy)
    assert ranked == list(PLANTED)
    # the weighted jury (Dawid-Skene's labels) beats its best member, the plain majority of five does not
    majority = np.mean([int(sum(verdicts[j][i] for j in PLANTED) >= 3) == t for i, t in truth.items()])
    weighted = np.mean([assessment.labels[i] == t for i, t in truth.items()])
    best = max(np.mean([verdicts[j][i] == t for i, t in truth.items()]) for j in PLANTED)
    assert majority < best < weighted


def test_measured_accuracy_beside_the_estimate_where_labels_exist():
    truth, verdicts = planted(1, 600)
    assessment = dawid_skene(verdicts, truth={i: t for i, t in truth.items() if i < 100}, resamples=0)
    first = {j.judge: j for j in assessment.judges}["j90"]
    assert first.measured_items == 100 and first.measured_accuracy == pytest.approx(
        np.mean([verdicts["j90"][i] == truth[i] for i in range(100)]))


def test_two_judges_are_not_enough():
    _, verdicts = planted(2, 50)
    with pytest.raises(UnsupervisedError, match="at least 3 judges"):
        dawid_skene({k: verdicts[k] for k in ("j90", "j80")})


def planted_run(folder, items=400, labeled=100):
    """A run folder: the five planted judges on `items` binary items, people's labels on the first `labeled`."""
    from judgebench.data.schema import Item
    from judgebench.run.records import Judgment
    from judgebench.run.store import RunStore

    truth, verdicts = planted(3, items)
    store = RunStore(folder)
    store.open({"run_id": "run", "fingerprint": "f", "dataset": {"name": "planted", "kind": "binary"}},
               [Item(f"i{i}", {"output": str(i)}, (t,) if i < labeled else ()) for i, t in truth.items()])
    for name, given in verdicts.items():
        for i, v in given.items():
            store.append(Judgment("run", f"{name}{i}", f"i{i}", name, "p", "h", None, 0, v, None, None, str(v),
                                  None, None, None, None, None, False, None))
    store.finish({"run_id": "run"})
    return folder


def test_score_unsupervised_prints_estimates_beside_measured_values(tmp_path, capsys):
    from judgebench.cli import main

    assert main(["score", str(planted_run(tmp_path / "run")), "--resamples", "10", "--unsupervised"]) == 0
    out = capsys.readouterr().out
    assert "estimated without human labels (Dawid-Skene on 400 items, 5 judges" in out
    section = out[out.index("estimated without human labels"):]
    row = next(line for line in section.splitlines() if line.startswith("j90"))
    assert row.split()[1].startswith("0.8") or row.split()[1].startswith("0.9")
    assert row.rstrip().endswith("(100)")
