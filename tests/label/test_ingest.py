import json

import pandas as pd
import pytest

from judgebench.data.schema import DataError
from judgebench.label.ingest import read_upload
from tests.conftest import write_jsonl


def test_csv_jsonl_parquet_give_the_same_items(tmp_path):
    data = [{"input": "q1", "output": "a1", "n": 3}, {"input": "q2", "output": "a2", "n": 4}]
    write_jsonl(tmp_path / "d.jsonl", data)
    pd.DataFrame(data).to_csv(tmp_path / "d.csv", index=False)
    pd.DataFrame(data).to_parquet(tmp_path / "d.parquet")
    outs = [read_upload(str(tmp_path / f"d.{ext}")) for ext in ("jsonl", "csv", "parquet")]
    for items, columns in outs:
        assert columns == ["input", "output", "n"]
        assert [i.fields["input"] for i in items] == ["q1", "q2"]
    assert [i.item_id for i in outs[0][0]] == [i.item_id for i in outs[2][0]]


def test_nested_values_become_json_text_and_repeats_are_numbered(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [{"input": "q", "context": ["a", "b"]}, {"input": "q", "context": ["a", "b"]}])
    items, _ = read_upload(str(path))
    assert items[0].fields["context"] == json.dumps(["a", "b"])
    assert items[1].item_id == items[0].item_id + "-2"


@pytest.mark.parametrize("rows, message, line, column", [
    ([{"input": "a", "output": "b"}, {"input": "c"}], "missing column", 2, "output"),
    ([{"input": "a"}, {"input": "b", "extra": 1}], "column not in the first row", 2, "extra"),
])
def test_bad_rows_are_located(tmp_path, rows, message, line, column):
    path = write_jsonl(tmp_path / "bad.jsonl", rows)
    with pytest.raises(DataError) as error:
        read_upload(str(path))
    assert error.value.row == line and error.value.column == column and message in str(error.value)
    assert str(path) in str(error.value)


def test_id_column(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [{"id": "x1", "input": "a"}, {"id": "x2", "input": "a"}])
    items, _ = read_upload(str(path), id_column="id")
    assert [i.item_id for i in items] == ["x1", "x2"]
    write_jsonl(tmp_path / "dup.jsonl", [{"id": "x1", "input": "a"}, {"id": "x1", "input": "b"}])
    with pytest.raises(DataError, match="duplicate id 'x1'"):
        read_upload(str(tmp_path / "dup.jsonl"), id_column="id")
    with pytest.raises(DataError, match="id column not found"):
        read_upload(str(path), id_column="key")


def test_errors_show_the_name_the_person_chose(tmp_path):
    path = write_jsonl(tmp_path / "tmp123.jsonl", [{"input": "a"}, {"other": "b"}])
    with pytest.raises(DataError, match=r"^answers\.jsonl, line 2, column 'input'"):
        read_upload(str(path), display_name="answers.jsonl")
    (tmp_path / "empty.csv").write_text("input,output\n")
    with pytest.raises(DataError, match="no rows"):
        read_upload(str(tmp_path / "empty.csv"))


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_a_blank_cell_is_an_empty_string(tmp_path, fmt):
    """Real exports have blanks: optional context, empty answers. An empty CSV cell, a quoted "", a JSON
    null and a Parquet null all read as an empty string."""
    import pandas as pd

    rows = [{"question": "q1", "context": None, "answer": "a1"}, {"question": "q2", "context": "c2", "answer": None}]
    path = tmp_path / f"blank.{fmt}"
    if fmt == "csv":
        path.write_text('question,context,answer\nq1,,a1\nq2,c2,""\n')
    elif fmt == "jsonl":
        write_jsonl(path, rows)
    else:
        pd.DataFrame(rows).to_parquet(path)
    items, columns = read_upload(str(path))
    assert columns == ["question", "context", "answer"]
    assert [dict(i.fields) for i in items] == [{"question": "q1", "context": "", "answer": "a1"},
                                               {"question": "q2", "context": "c2", "answer": ""}]

