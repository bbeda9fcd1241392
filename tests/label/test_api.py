"""The Python API: from a CSV to a labeled DataFrame."""

from __future__ import annotations

import pytest

from judgebench import AutoEval, BuiltinCriteria, BuiltinMetrics
from judgebench.label.library import LibraryError
from judgebench.label.workflow import builtin_criteria
from tests.label.conftest import rows, script, scripted_judge, write_csv


def test_builtin_metrics_are_the_shipped_prompts():
    names = {v for k, v in vars(BuiltinMetrics).items() if k.isupper()}
    assert names == set(builtin_criteria())


def test_label_dataset_in_the_hosted_service_style(tmp_path, server):
    script(server)
    client = AutoEval(tmp_path / "home", judge=scripted_judge(server))
    dataset_id = client.add_dataset(write_csv(tmp_path / "answers.csv", rows(30)), name="answers")
    job_id = client.label_dataset(dataset_id=dataset_id, prompt_template=BuiltinMetrics.FAITHFULNESS,
                                  wait_for_completion=False)
    info = client.wait_for_label_dataset_job(job_id, timeout=60)
    assert info["status"] == "completed" and info["done"] == 30
    labeled = client.download_dataset(dataset_id, tmp_path / "out.parquet")
    assert len(labeled) == 30 and set(labeled["label_source"]) == {"judge"}
    supported = labeled["output"].str.contains("supported")
    assert (labeled.loc[supported, "label"] == 1).all() and (labeled.loc[~supported, "label"] == 0).all()
    assert (tmp_path / "out.parquet").exists()


def test_review_loop_from_python(tmp_path, server):
    script(server)
    client = AutoEval(tmp_path / "home", judge=scripted_judge(server))
    dataset_id = client.add_dataset(rows(40), name="answers")
    assert len(client.get_dataset(dataset_id)) == 40
    labeling_id = client.start_labeling(dataset_id, BuiltinMetrics.FAITHFULNESS)
    batch = client.get_review_batch(labeling_id)
    assert len(batch) == 16 and {"item_id", "fields", "judge_label", "judge_prob", "reason"} <= set(batch[0])
    assert client.submit_reviews(labeling_id, {batch[0]["item_id"]: 1 - batch[0]["judge_label"]}) == 1
    relabeled = client.next_review_batch(labeling_id, size=4)
    assert len(relabeled) == 4 and relabeled[0]["round"] == 2
    custom = client.update_prompt(labeling_id, "Context: {context}\nAnswer: {output}\nFaithful? Yes or No.")
    assert {b["prompt_version"] for b in custom} == {2}
    job_id = client.label_dataset(labeling_id=labeling_id)
    labeled = client.download_dataset(dataset_id, job_id=job_id)
    assert (labeled["label_source"] == "human").sum() == 16
    assert set(labeled["prompt_version"]) == {2}


def test_clear_errors(tmp_path, server):
    client = AutoEval(tmp_path / "home", judge=scripted_judge(server))
    with pytest.raises(LibraryError, match="no dataset 'nope'"):
        client.label_dataset(dataset_id="nope", prompt_template=BuiltinMetrics.FAITHFULNESS)
    dataset_id = client.add_dataset(rows(5), name="answers")
    with pytest.raises(LibraryError, match="no completed labeling job"):
        client.download_dataset(dataset_id)
    with pytest.raises(LibraryError, match="name the dataset"):
        client.add_dataset(rows(5))
    assert server.state.requests == 0


def test_builtin_metrics_is_the_old_name_of_builtin_criteria():
    assert BuiltinMetrics is BuiltinCriteria and BuiltinCriteria.FAITHFULNESS == "faithfulness"
