import sqlite3

import pytest

from judgebench.data.column_map import ColumnMapError
from judgebench.data.schema import Item
from judgebench.kinds import BINARY
from judgebench.label.library import Library, LibraryError, PromptVersion, safe_name


def items(n):
    return [Item(f"i{k}", {"input": f"q{k}"}, ()) for k in range(n)]


def test_versions_lookup_and_persistence(tmp_path):
    library = Library(tmp_path)
    first = library.add_dataset("tickets", items(3), ["input"], "a.csv")
    second = library.add_dataset("tickets", items(5), ["input"], "b.csv")
    assert (first.version, second.version) == (1, 2)
    reopened = Library(tmp_path)                                # a new process sees the same data
    assert reopened.dataset("tickets").dataset_id == second.dataset_id
    assert reopened.dataset("tickets@1").n_items == 3
    assert reopened.dataset(first.dataset_id).name == "tickets"
    assert [i.item_id for i in reopened.items(first.dataset_id)] == ["i0", "i1", "i2"]
    with pytest.raises(LibraryError, match="no dataset 'other'.*tickets"):
        reopened.dataset("other")
    with sqlite3.connect(tmp_path / "library.sqlite") as db:    # a real database file
        assert db.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 8


def test_names_are_sanitized():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("my data (final).csv") == "my_data_final_.csv"
    with pytest.raises(LibraryError):
        safe_name("../..")


def test_reviews_latest_wins_and_remove_cascades(tmp_path):
    library = Library(tmp_path)
    info = library.add_dataset("d", items(4), ["input"], "x")
    labeling = library.create_labeling(info.dataset_id, BINARY, [{"name": "j", "model": "m"}],
                                       PromptVersion(1, "p", "{input}", ""), few_shot_k=2, selection="active",
                                       pool_size=10, seed=0)
    library.save_reviews(labeling.labeling_id, 1, 1, {"i0": (1, 0), "i1": (0, 0)})
    library.save_reviews(labeling.labeling_id, 2, 1, {"i0": (0, 1)})
    reviews = {r.item_id: r for r in library.reviews(labeling.labeling_id)}
    assert reviews["i0"].label == 0 and reviews["i0"].round == 2 and len(reviews) == 2
    job = library.create_job(labeling.labeling_id, info.dataset_id, 1, 4, [("i0", 0)])
    assert library.job_examples(job) == [("i0", 0)]
    library.set_job(job, status="running", owner="elsewhere:1", heartbeat=1e12)
    with pytest.raises(LibraryError, match="still labeling"):
        library.remove_dataset(info.dataset_id)
    library.set_job(job, status="cancelled")
    library.remove_dataset(info.dataset_id)
    assert library.datasets() == [] and library.jobs() == [] and library.labelings() == []


def test_column_maps_are_suggested_remembered_per_version_and_removed_with_the_dataset(tmp_path):
    library = Library(tmp_path)
    qa = [Item("i0", {"question": "q", "context": "c", "answer": "a"}, ())]
    first = library.add_dataset("qa", qa, ["question", "context", "answer"], "a.csv")
    assert first.column_map == {"input": "question", "output": "answer"}
    second = library.add_dataset("qa", qa, ["question", "context", "answer"], "a.csv", {"output": "context"})
    assert second.column_map == {"input": "question", "output": "context"}
    # Changing one version leaves the other; the placeholder's own name or "" removes an entry.
    assert library.set_column_map(first.dataset_id, {"output": "", "reference": "answer"}) == \
        {"input": "question", "reference": "answer"}
    assert library.set_column_map(first.dataset_id, {"input": None}) == \
        {"reference": "answer"}
    assert Library(tmp_path).dataset("qa@2").column_map == {"input": "question", "output": "context"}
    with pytest.raises(ColumnMapError, match="'reply', which is not a column of dataset 'qa'"):
        library.set_column_map(first.dataset_id, {"output": "reply"})
    library.remove_dataset(first.dataset_id)
    with sqlite3.connect(tmp_path / "library.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM column_maps WHERE dataset_id = ?", (first.dataset_id,)).fetchone()[0] == 0
