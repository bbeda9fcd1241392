"""LLM Judge++ with a guarantee: random reviews calibrate the threshold after a labeling job, then the person's
queue is exactly the labels below it, and the download says where each label comes from."""

import pytest

from judgebench.label.escalate import GUARANTEED, HUMAN, UNGUARANTEED, label_guarantee
from judgebench.label.export import labeled_frame
from judgebench.label.ingest import read_upload
from judgebench.label.jobs import run_job, submit_job
from judgebench.label.workflow import ConfigError, criteria, judges_from, start_labeling
from tests.label.conftest import rows, scripted_judge, write_csv


def truth(item) -> int:
    return int("supported" in item.fields["output"])


@pytest.fixture
def escalating(library, tmp_path, server):
    """The judge is sure (0.95) and right, except on invented claims about tax forms: Yes, at 0.55."""
    server.configure(rules=[
        {"match": r"invented claim on tax forms[^\n]*\n*\s*Is the answer faithful", "reply": "Verdict: Yes",
         "verdict_prob": 0.55},
        {"match": r"supported claim[^\n]*\n*\s*Is the answer faithful", "reply": "Verdict: Yes"}],
        default="Verdict: No", verdict_prob=0.95)
    items, columns = read_upload(str(write_csv(tmp_path / "answers.csv", rows(240))))
    dataset = library.add_dataset("answers", items, columns, "answers.csv").dataset_id
    labeling, batch = start_labeling(library, dataset, criteria("faithfulness"), judges_from([scripted_judge(server)]),
                                     selection="escalate", guarantee=(0.1, 0.1), few_shot_k=0)
    return labeling, batch


def review(labeling, batch):
    labeling.submit_reviews({e.item_id: truth(labeling.item(e.item_id)) for e in batch})


def test_reviews_calibrate_then_the_queue_is_the_labels_below_the_threshold(escalating, library):
    labeling, batch = escalating
    review(labeling, batch)
    assert "needs at least 38" in label_guarantee(library, labeling.id).why or \
        "labeling job" in label_guarantee(library, labeling.id).why
    for _ in range(2):                                      # 48 random reviews in all
        review(labeling, labeling.next_batch(16))
    assert len(library.pools(labeling.id)) == 3              # uniform rounds: each item had the same chance
    run_job(library, submit_job(library, labeling.id))
    state = label_guarantee(library, labeling.id)
    assert state.threshold.threshold == pytest.approx(0.95) and state.calibration_reviews == 48
    assert state.confidence_from == "probability" and state.count(HUMAN) == 48
    unsure = {i.item_id for i in labeling.items if "invented claim on tax forms" in i.fields["output"]}
    reviewed = {r.item_id for r in library.reviews(labeling.id)}
    assert set(state.queue) == unsure - reviewed and state.count(GUARANTEED) == 240 - 48 - len(state.queue)
    assert "judge labels carry it (confidence >= 0.95 from probability" in state.describe()

    escalated = labeling.next_batch(16)
    assert {e.item_id for e in escalated} <= unsure and len(library.pools(labeling.id)) == 3     # no pool: no calibration
    review(labeling, escalated)
    after = label_guarantee(library, labeling.id)
    assert after.calibration_reviews == 48 and len(after.queue) == len(state.queue) - len(escalated)

    frame = labeled_frame(library, library.jobs()[-1].job_id)
    counts = frame["label_source"].value_counts().to_dict()
    assert counts == {GUARANTEED: after.count(GUARANTEED), HUMAN: 48 + len(escalated),
                      UNGUARANTEED: len(after.queue)}


def test_escalate_needs_its_guarantee(library, tmp_path, server):
    items, columns = read_upload(str(write_csv(tmp_path / "answers.csv", rows(20))))
    dataset = library.add_dataset("answers", items, columns, "answers.csv").dataset_id
    with pytest.raises(ConfigError, match="escalate selection takes a guarantee"):
        start_labeling(library, dataset, criteria("faithfulness"), judges_from([scripted_judge(server)]),
                       selection="escalate")
