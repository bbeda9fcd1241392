"""The review loop against the scripted model server: selection, few-shot feedback, prompt versions."""

from __future__ import annotations

import pytest

from judgebench.judges.prompts import PromptError
from judgebench.label.library import LibraryError
from judgebench.label.workflow import criteria, judges_from, start_labeling
from tests.label.conftest import script, scripted_judge


def test_first_batch_holds_sixteen_judged_items(labeling, library):
    batch = labeling.current_batch()
    assert len(batch) == 16 and len({e.item_id for e in batch}) == 16
    for entry in batch:
        supported = "supported" in labeling.item(entry.item_id).fields["output"]
        assert entry.judge_label == int(supported)
        assert entry.judge_prob == pytest.approx(0.75)
        assert entry.reason == ("Verdict: Yes" if supported else "Verdict: No")


def test_judge_disagreement_raises_an_items_chance_of_review(library, dataset_id, server):
    script(server)
    # A second judge that calls every answer faithful disagrees on the 20 `invented` ones;
    # the first judge's probabilities are the same everywhere.
    server.configure(rules=[{"model": "scripted", "match": r"supported claim[^\n]*\n*\s*Is the answer",
                             "reply": "Verdict: Yes"},
                            {"model": "lenient", "match": ".", "reply": "Verdict: Yes"}])
    judges = judges_from([scripted_judge(server), scripted_judge(server, name="lenient", model="openai/lenient")])
    labeling, batch = start_labeling(library, dataset_id, criteria("faithfulness"), judges)
    pool = library.pools(labeling.id)[1]
    assert len(pool) == 40 and {e.open_count for e in pool} == {40}
    invented = [e for e in pool if "invented" in labeling.item(e.item_id).fields["output"]]
    supported = [e for e in pool if e not in invented]
    # uncertainty 0.75 (p = 0.75: 0.5, the judges disagree: 1) against 0.25 (0.5 and 0): a 3 times higher chance
    assert {round(e.inclusion, 9) for e in invented} == {round(3 * supported[0].inclusion, 9)}
    assert sum(e.inclusion for e in pool) == pytest.approx(16) and len(batch) == 16
    assert sum("invented" in labeling.item(e.item_id).fields["output"] for e in batch) > 8
    assert [e.uncertainty for e in batch] == sorted((e.uncertainty for e in batch), reverse=True)
    random_labeling, random_batch = start_labeling(library, dataset_id, criteria("faithfulness"), judges,
                                                   selection="random", seed=3)
    assert {e.inclusion for e in library.pools(random_labeling.id)[1]} == {1.0}
    assert {e.item_id for e in library.pools(random_labeling.id)[1]} == {e.item_id for e in random_batch}


def test_corrections_become_the_nearest_balanced_examples(labeling, server):
    batch = labeling.current_batch()
    flipped = batch[0]
    labeling.submit_reviews({flipped.item_id: 1 - flipped.judge_label})
    reviewed = dict(labeling.reviewed())
    assert len(reviewed) == 16 and reviewed[flipped.item_id] == 1 - flipped.judge_label
    server.state.log.clear()
    second = labeling.next_batch(8)
    assert not {e.item_id for e in second} & set(reviewed)
    labels_shown = []
    for request in server.state.log:
        messages = request["messages"]
        answers = [m["content"] for m in messages if m["role"] == "assistant"]
        assert len(answers) == 4                                          # few_shot_k = 4
        labels_shown.append(sorted(answers))
    # balanced: two of each label, whenever the reviewed pool has both
    assert all(shown == ["Verdict: No", "Verdict: No", "Verdict: Yes", "Verdict: Yes"] for shown in labels_shown)


def test_prompt_change_relabels_and_versions(labeling, library, server):
    before = labeling.current_batch()
    server.configure(rules=[], default="Verdict: Yes")
    after = labeling.change_prompt("Context: {context}\nAnswer: {output}\nIs it faithful? Yes or No.")
    assert [e.item_id for e in after] == [e.item_id for e in before]
    assert {e.prompt_version for e in after} == {2} and {e.judge_label for e in after} == {1}
    assert library.prompt_version(labeling.id, 1).template != library.prompt_version(labeling.id).template
    with pytest.raises(PromptError, match="question"):
        labeling.change_prompt("Is {question} answered?")


def test_review_validation(labeling):
    item = labeling.current_batch()[0].item_id
    with pytest.raises(LibraryError, match="not one of"):
        labeling.submit_reviews({item: 7})
    with pytest.raises(LibraryError, match="not in the open batch"):
        labeling.submit_reviews({"someone-else": 1})
    assert labeling.submit_reviews({item: "1"}) in (0, 1)
    with pytest.raises(LibraryError, match="no open review batch"):
        labeling.submit_reviews({})


def test_likert_labeling(library, dataset_id, server):
    server.configure(default="Rating: [[4]]")
    labeling, batch = start_labeling(library, dataset_id, criteria("Rate the answer {output} from 1 to 5.",
                                                                   kind="likert"),
                                     judges_from([scripted_judge(server)]), batch_size=5)
    assert [e.judge_label for e in batch] == [4] * 5
    assert labeling.submit_reviews({batch[0].item_id: 2}) == 1
    labeling.next_batch(5)
    with pytest.raises(LibraryError, match="not one of"):
        labeling.submit_reviews({labeling.current_batch()[0].item_id: 0})   # 0 is off the 1-5 scale


def test_a_broken_judge_stops_the_labeling_before_it_starts(library, dataset_id, server, monkeypatch):
    from judgebench.run.session import PreflightError

    unreachable = scripted_judge(server, name="offline", api_base="http://127.0.0.1:9/v1", max_retries=0)
    with pytest.raises(PreflightError, match=r"judge offline \(openai/scripted at http://127.0.0.1:9/v1\) did not "
                                              r"answer a test call: .*Nothing was labeled"):
        start_labeling(library, dataset_id, criteria("faithfulness"), judges_from([unreachable]))
    monkeypatch.delenv("JB_TEST_KEY", raising=False)
    keyless = scripted_judge(server, name="keyless", api_key_env="JB_TEST_KEY")
    with pytest.raises(PreflightError, match=r"judge keyless \(openai/scripted\): needs its API key: set \$JB_TEST_KEY"):
        start_labeling(library, dataset_id, criteria("faithfulness"), judges_from([keyless]))
    assert library.labelings() == [] and server.state.requests == 0


def test_a_labeling_can_be_deleted_and_its_dataset_stays(labeling, library, dataset_id):
    from judgebench.label.jobs import submit_job

    labeling.submit_reviews({})
    submit_job(library, labeling.id)                  # queued: counts as running
    with pytest.raises(LibraryError, match="still labeling this labeling; cancel it first"):
        library.remove_labeling(labeling.id)
    [job] = library.jobs(dataset_id)
    library.set_job(job.job_id, status="failed")
    library.remove_labeling(labeling.id)
    assert library.labelings() == [] and library.jobs(dataset_id) == [] and library.dataset(dataset_id)
    with pytest.raises(LibraryError, match="no labeling"):
        library.remove_labeling(labeling.id)


def test_a_column_mapped_dataset_fills_items_and_few_shot_examples(library, tmp_path, server):
    from judgebench.label.ingest import read_upload
    from tests.label.conftest import qa_rows, write_csv

    script(server)
    items, columns = read_upload(str(write_csv(tmp_path / "qa.csv", qa_rows(40))))
    dataset = library.add_dataset("qa", items, columns, "qa.csv")
    labeling, batch = start_labeling(library, dataset.dataset_id, criteria("faithfulness"),
                                     judges_from([scripted_judge(server)]))
    # The judge saw the answers (the scripted rule matches them), and the person sees their own columns.
    assert all(e.judge_label == int("supported" in labeling.item(e.item_id).fields["answer"]) for e in batch)
    assert "output" not in labeling.item(batch[0].item_id).fields
    labeling.submit_reviews({})
    server.state.log.clear()
    labeling.next_batch(4)
    examples = [m["content"] for r in server.state.log for m in r["messages"][1:-1] if m["role"] == "user"]
    assert len(examples) >= 4 and all("Answer:\nAnswer " in m for m in examples)
