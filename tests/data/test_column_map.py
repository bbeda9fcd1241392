import pytest

from judgebench.data.column_map import (
    ColumnMapError, check_column_map, how_to_map, mapped_columns, mapped_fields, normalized, parse_column_map,
    renamed_fields, suggest_column_map, unfilled,
)


def test_the_issue_csv_is_matched_by_name():
    assert suggest_column_map(["question", "context", "answer"]) == {"input": "question", "output": "answer"}


@pytest.mark.parametrize("columns, expected", [
    (["Question", "Model Answer", "Retrieved Context"],
     {"input": "Question", "output": "Model Answer", "context": "Retrieved Context"}),
    (["userInput", "actual_output", "ground-truth"],
     {"input": "userInput", "output": "actual_output", "reference": "ground-truth"}),
    (["prompt", "response_a", "response_b"], {"input": "prompt"}),      # the sides fill their own placeholders
    (["id", "text", "score"], {}),
])
def test_suggestions_normalize_names_and_follow_the_synonyms(columns, expected):
    assert suggest_column_map(columns) == expected


def test_a_placeholder_that_is_a_column_needs_no_entry_and_columns_are_used_once():
    assert suggest_column_map(["input", "output", "answer"]) == {}
    assert suggest_column_map(["query", "question"]) == {"input": "question"}
    # One column cannot fill two placeholders: `answer` goes to output, reference finds nothing else.
    assert suggest_column_map(["answer"], ["output", "reference"]) == {"output": "answer"}


def test_normalized():
    assert normalized("User Input") == normalized("user-input") == normalized("userInput") == "user_input"


def test_parse_and_check():
    assert parse_column_map(["output=answer", " {input} = question ", "context="]) == \
        {"output": "answer", "input": "question", "context": ""}
    with pytest.raises(ColumnMapError, match="PLACEHOLDER=COLUMN"):
        parse_column_map(["output"])
    columns = ["question", "answer"]
    assert check_column_map({"output": "answer", "context": None}, columns) == {"output": "answer", "context": ""}
    with pytest.raises(ColumnMapError, match="'reply', which is not a column of dataset 'qa'; columns: question, "
                                             "answer"):
        check_column_map({"output": "reply"}, columns, "qa")
    with pytest.raises(ColumnMapError, match="not a placeholder name"):
        check_column_map({"out put": "answer"}, columns)


def test_fields_are_filled_renamed_and_checked():
    fields = {"question": "q?", "input": "old", "answer": "a."}
    mapping = {"input": "question", "output": "answer"}
    assert mapped_fields(fields, mapping) == {"question": "q?", "input": "q?", "answer": "a.", "output": "a."}
    assert list(renamed_fields(fields, mapping).items()) == [("input", "q?"), ("output", "a.")]
    assert mapped_columns(["question", "answer"], mapping) == ("question", "answer", "input", "output")
    assert unfilled(["input", "output", "context"], ["question", "answer"], mapping) == ["context"]
    assert how_to_map(["context", "input"], ["passage", "question"]) == "--map context=passage --map input=question"
    assert how_to_map(["context"], ["q"]) == "--map context=COLUMN"


def test_the_review_table_shows_the_question_and_the_judged_answer():
    from judgebench.data.column_map import question_and_answer

    assert question_and_answer(["question", "context", "answer"], {"input": "question", "output": "answer"}) == \
        ("question", "answer")
    assert question_and_answer(["input", "context", "output"], {}) == ("input", "output")
    assert question_and_answer(["id", "text"], {}) == ("id", "text")
    assert question_and_answer(["text"], {}) == ("text", None)
