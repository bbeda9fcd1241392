import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from judgebench.config import dataset_spec, load_group_entry
from judgebench.data.load import load_dataset
from judgebench.data.schema import DataError
from judgebench.kinds import BINARY, LIKERT, PAIRWISE
from tests.conftest import write_jsonl


def spec(path, kind="binary", **extra):
    base = {"name": "t", "kind": kind, "path": str(path) if path else None, "columns": {"input": "q", "output": "a"},
            "label": {"column": "y"}}
    return dataset_spec(base | extra)


ROWS = [{"q": "2+2?", "a": "4", "y": 1}, {"q": "capital of France?", "a": "Lyon", "y": 0},
        {"q": "H2O is?", "a": "water", "y": 1}]


def test_jsonl_csv_parquet_give_the_same_items(tmp_path):
    jsonl = write_jsonl(tmp_path / "d.jsonl", ROWS)
    csv = tmp_path / "d.csv"
    csv.write_text("q,a,y\n" + "".join(f"\"{r['q']}\",{r['a']},{r['y']}\n" for r in ROWS))
    parquet = tmp_path / "d.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), parquet)
    loaded = [load_dataset(spec(p)) for p in (jsonl, csv, parquet)]
    for dataset in loaded:
        assert [i.fields["output"] for i in dataset.items] == ["4", "Lyon", "water"]
        assert [i.human for i in dataset.items] == [(1,), (0,), (1,)]
    # Content-hash ids are stable across formats and runs.
    assert [i.item_id for i in loaded[0].items] == [i.item_id for i in loaded[2].items]


def test_hf_dataset_from_a_local_folder(tmp_path):
    import datasets

    datasets.Dataset.from_list(ROWS).save_to_disk(str(tmp_path / "saved"))
    (tmp_path / "repo").mkdir()
    pq.write_table(pa.Table.from_pylist(ROWS), tmp_path / "repo" / "train.parquet")
    for folder in ("saved", "repo"):
        dataset = load_dataset(spec(None, hf=str(tmp_path / folder)))
        assert [i.human for i in dataset.items] == [(1,), (0,), (1,)]


def test_several_annotators_are_kept_and_missing_ones_skipped(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [{"q": "x", "a": "y", "r1": 4, "r2": None, "r3": 2}])
    dataset = load_dataset(spec(path, kind="likert", label={"columns": ["r1", "r2", "r3"]}))
    item = dataset.items[0]
    assert item.human == (4, 2) and item.annotators == ("r1", "r3")


def test_votes_and_mappings(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [
        {"q": "x", "ra": "a", "rb": "b", "votes": {"model_a": 2, "model_b": 0, "tie": 1}}])
    dataset = load_dataset(dataset_spec({
        "name": "p", "kind": "pairwise", "path": str(path),
        "columns": {"input": "q", "response_a": "ra", "response_b": "rb"},
        "label": {"votes": "votes", "mapping": {"model_a": "A", "model_b": "B", "tie": "tie"}}}))
    assert sorted(dataset.items[0].human) == ["A", "A", "tie"]


def test_nested_fields_transforms_and_patterns(tmp_path):
    conversation = [{"role": "user", "content": "Hi?"}, {"role": "assistant", "content": "Hello!"}]
    path = write_jsonl(tmp_path / "d.jsonl", [{"conv": conversation, "meta": {"score": 3}, "p": "Q: why?\nA: x"}])
    dataset = load_dataset(dataset_spec({
        "name": "n", "kind": "likert", "path": str(path),
        "columns": {"input": {"source": "conv", "transform": "last_user"},
                    "output": {"source": "conv", "transform": "last_assistant"},
                    "question": {"source": "p", "pattern": "^Q: (.*?)\\n"}},
        "label": {"column": "meta.score"}}))
    assert dataset.items[0].fields == {"input": "Hi?", "output": "Hello!", "question": "why?"}
    assert dataset.items[0].human == (3,)


# --- every bad-data error names the file, the row and the column ---------------------------

def error_of(spec_):
    with pytest.raises(DataError) as info:
        load_dataset(spec_)
    return info.value


def test_missing_column(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [ROWS[0], {"q": "x", "y": 1}])
    err = error_of(spec(path))
    assert (err.path, err.row, err.column) == (str(path), 2, "a")
    assert "d.jsonl, line 2, column 'a': missing column" in str(err)


def test_label_outside_declared_range(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [{"q": "x", "a": "y", "y": 3}, {"q": "z", "a": "w", "y": 7}])
    err = error_of(spec(path, kind="likert", scale=[1, 5]))
    assert (err.row, err.column) == (2, "y") and "outside the likert range 1..5" in str(err)
    err = error_of(spec(write_jsonl(tmp_path / "b.jsonl", [{"q": "x", "a": "y", "y": 2}])))
    assert (err.row, err.column) == (1, "y") and "not binary" in str(err)


def test_empty_dataset(tmp_path):
    (tmp_path / "empty.jsonl").write_text("\n\n")
    err = error_of(spec(tmp_path / "empty.jsonl"))
    assert err.path == str(tmp_path / "empty.jsonl") and "empty" in str(err)


def test_malformed_jsonl_line(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(ROWS[0]) + "\n" + '{"q": "x", "a": \n' + json.dumps(ROWS[1]) + "\n")
    err = error_of(spec(path))
    assert err.row == 2 and "malformed JSON" in str(err)


def test_duplicate_ids(tmp_path):
    rows = [dict(r, id=f"i{n}") for n, r in enumerate(ROWS)] + [dict(ROWS[0], id="i1")]
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    err = error_of(spec(path, id_column="id"))
    assert err.row == 4 and "duplicate item" in str(err) and f"{path}:2" in str(err)


def test_duplicate_content_can_be_merged(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [ROWS[0], dict(ROWS[0], y=0)])
    assert "duplicate item" in str(error_of(spec(path)))
    merged = load_dataset(spec(path, on_duplicate="merge"))
    assert len(merged) == 1 and merged.items[0].human == (1, 0)


def test_undecodable_text(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_bytes(json.dumps(ROWS[0]).encode() + b"\n" + b'{"q": "caf\xe9", "a": "x", "y": 1}\n')
    err = error_of(spec(path))
    assert err.row == 2 and "UTF-8" in str(err)
    csv = tmp_path / "d.csv"
    csv.write_bytes(b"q,a,y\nok,fine,1\nok,fine,0\ncaf\xe9,x,1\n")
    err = error_of(spec(csv))
    assert err.row == 4 and "UTF-8" in str(err)


def test_parquet_row_numbers_in_errors(tmp_path):
    path = tmp_path / "d.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS + [{"q": "x", "a": "y", "y": 5}]), path)
    err = error_of(spec(path))
    assert "row 4" in str(err) and err.column == "y"


def test_file_not_found_and_unknown_format(tmp_path):
    assert "file not found" in str(error_of(spec(tmp_path / "nope.jsonl")))
    (tmp_path / "d.txt").write_text("x")
    assert "unknown file format" in str(error_of(spec(tmp_path / "d.txt")))


# --- the bundled demo and the real datasets -------------------------------------------------

def demo(name):
    return load_dataset(dataset_spec(load_group_entry("dataset", name)))


def test_demo_dataset_meets_its_promises():
    binary, pairwise, likert = demo("demo_binary"), demo("demo_pairwise"), demo("demo_likert")
    assert (binary.kind, pairwise.kind, likert.kind) == (BINARY, PAIRWISE, LIKERT)
    assert len(binary) >= 120 and len(pairwise) >= 40 and len(likert) >= 40
    two_annotators = sum(len(i.human) >= 2 for d in (binary, pairwise, likert) for i in d.items)
    assert two_annotators >= 40
    assert {v for i in binary.items for v in i.human} == {0, 1}
    assert {v for i in pairwise.items for v in i.human} == {"A", "B", "tie"}
    # Written, not templated: no two answers are the same text.
    answers = [i.fields["output"] for i in binary.items]
    assert len(set(answers)) == len(answers)


SHARED = {
    # name: (kind, number of items)
    "mt_bench": ("pairwise", 1814),
    "llmbar": ("pairwise", 419),
    "judgebench": ("pairwise", 350),
    "hhh_alignment": ("pairwise", 221),
    "summeval": ("likert", 1600),
    "topical_chat_usr": ("likert", 360),
    "halueval_general": ("binary", 4507),
}


@pytest.mark.parametrize("name", sorted(SHARED))
def test_shared_datasets_load(name, shared_data):
    entry = load_group_entry("dataset", name)
    raw = json.loads(json.dumps(entry).replace("${data_root}", str(shared_data)))
    dataset = load_dataset(dataset_spec(raw))
    kind, count = SHARED[name]
    assert dataset.kind.name == kind and len(dataset) == count
    assert all(i.human for i in dataset.items)


def test_mt_bench_keeps_every_vote(shared_data):
    raw = json.loads(json.dumps(load_group_entry("dataset", "mt_bench")).replace("${data_root}", str(shared_data)))
    dataset = load_dataset(dataset_spec(raw))
    assert sum(len(i.human) for i in dataset.items) == 3354
    assert max(len(i.human) for i in dataset.items) == 7


def test_truthfulqa_pools_repeated_answers(shared_data):
    raw = json.loads(json.dumps(load_group_entry("dataset", "truthfulqa_judge"))
                     .replace("${data_root}", str(shared_data)))
    dataset = load_dataset(dataset_spec(raw))
    assert sum(len(i.human) for i in dataset.items) == 22434
    assert len(dataset) < 22434 and all(i.fields["input"] for i in dataset.items)
    # 67 rows upstream have an empty answer; they are kept (and labelled), not dropped.
    assert sum(i.fields["output"] == "" for i in dataset.items) > 0


def test_mt_bench_second_turns_carry_the_earlier_conversation(shared_data):
    from judgebench.config import prompt_spec
    from judgebench.judges.prompts import render_messages

    raw = json.loads(json.dumps(load_group_entry("dataset", "mt_bench")).replace("${data_root}", str(shared_data)))
    dataset = load_dataset(dataset_spec(raw))
    item = next(i for i in dataset.items if i.fields["turn"] == 2)
    text = render_messages(prompt_spec(raw["default_prompt"]), item.fields)[-1]["content"]
    assert "### Assistant:" in item.fields["history_a"] and item.fields["history_a"] in text
    assert item.fields["input"] in text and item.fields["response_b"] in text


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_blank_text_cells_are_empty_strings_and_blank_labels_are_missing(tmp_path, fmt):
    rows = [{"q": "2+2?", "a": None, "y": 1}, {"q": "capital of France?", "a": "Paris", "y": None}]
    path = tmp_path / f"blank.{fmt}"
    if fmt == "csv":
        path.write_text('q,a,y\n"2+2?",,1\ncapital of France?,Paris,""\n')
    elif fmt == "jsonl":
        write_jsonl(path, rows)
    else:
        pq.write_table(pa.Table.from_pylist(rows), path)
    dataset = load_dataset(spec(path))
    assert [dict(i.fields) for i in dataset.items] == [{"input": "2+2?", "output": ""},
                                                       {"input": "capital of France?", "output": "Paris"}]
    assert [i.human for i in dataset.items] == [(1,), ()]        # judged, with no human answer to score


def test_an_absent_column_is_still_an_error_where_a_blank_is_not(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [{"q": "x", "a": "", "y": 1}, {"q": "z", "y": 0}])
    err = error_of(spec(path))
    assert (err.row, err.column) == (2, "a") and "missing column" in str(err)
