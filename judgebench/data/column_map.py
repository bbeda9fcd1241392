"""Which dataset column fills which prompt placeholder: `{input}` from `question`, `{output}` from `answer`.

Built-in criteria prompts name their placeholders once (input, output, context, reference, ...); people's
files name the same things their own way. A column map says, per dataset version, which column fills each
placeholder; it is suggested from the column names and confirmed or changed by the person. A placeholder
that is itself a column needs no entry.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from judgebench.errors import UserError

# Names people give the columns the built-in prompts read, most common first (labeling tools, RAG and
# eval frameworks, public datasets).
PLACEHOLDER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "input": ("question", "query", "prompt", "instruction", "user_input", "input_text", "request", "problem",
              "user_message", "message", "task", "user"),
    "output": ("answer", "response", "completion", "generation", "prediction", "model_output", "output_text",
               "model_answer", "generated_answer", "generated", "reply", "assistant", "actual_output"),
    "context": ("document", "documents", "passage", "passages", "source", "knowledge", "evidence",
                "retrieved_context", "retrieval_context", "contexts", "background", "article", "doc"),
    "reference": ("ground_truth", "gold", "gold_answer", "expected", "expected_output", "expected_answer",
                  "reference_answer", "target", "ideal", "correct_answer"),
    "response_a": ("output_a", "answer_a", "completion_a", "model_a", "response_1", "answer1", "response1"),
    "response_b": ("output_b", "answer_b", "completion_b", "model_b", "response_2", "answer2", "response2"),
}


class ColumnMapError(UserError, ValueError):
    pass


def normalized(name: str) -> str:
    """`User Input`, `user-input` and `userInput` are all `user_input`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(name))
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def suggest_column_map(columns: Sequence[str],
                       placeholders: Sequence[str] = tuple(PLACEHOLDER_SYNONYMS)) -> dict[str, str]:
    """Placeholder -> column for each placeholder that is not a column itself but has a column named as
    people name it (exact name after normalizing, then the synonyms in order); each column is used once."""
    by_norm: dict[str, str] = {}
    for column in columns:
        by_norm.setdefault(normalized(column), column)
    taken = {c for c in columns if c in placeholders}
    suggestion: dict[str, str] = {}
    for placeholder in placeholders:
        if placeholder in columns:
            continue
        for name in (placeholder, *PLACEHOLDER_SYNONYMS.get(placeholder, ())):
            column = by_norm.get(normalized(name))
            if column is not None and column not in taken:
                suggestion[placeholder] = column
                taken.add(column)
                break
    return suggestion


def parse_column_map(pairs: Sequence[str]) -> dict[str, str]:
    """`--map output=answer` pairs; `--map output=` removes a remembered entry (value "")."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        placeholder, sep, column = str(pair).partition("=")
        if not sep or not placeholder.strip():
            raise ColumnMapError(f"--map {pair!r}: write PLACEHOLDER=COLUMN, e.g. --map output=answer")
        mapping[placeholder.strip().strip("{}")] = column.strip()
    return mapping


def check_column_map(mapping: Mapping[str, Any], columns: Sequence[str], dataset: str = "") -> dict[str, str]:
    """The map with every column checked against the dataset's; "" or None entries mean "remove"."""
    checked: dict[str, str] = {}
    for placeholder, column in mapping.items():
        if not isinstance(placeholder, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", placeholder):
            raise ColumnMapError(f"column map: {placeholder!r} is not a placeholder name (letters, digits, _)")
        column = "" if column is None else column
        if not isinstance(column, str):
            raise ColumnMapError(f"column map: {{{placeholder}}} must name a column, got {column!r}")
        if column and column not in columns:
            where = f" of dataset {dataset!r}" if dataset else ""
            raise ColumnMapError(f"column map: {{{placeholder}}} = {column!r}, which is not a column{where}; "
                                 f"columns: {', '.join(columns)}")
        checked[placeholder] = column
    return checked


def mapped_columns(columns: Sequence[str], mapping: Mapping[str, str]) -> tuple[str, ...]:
    """The names a prompt can use: the dataset's columns and the mapped placeholders."""
    return tuple(columns) + tuple(p for p in mapping if p not in columns)


def mapped_fields(fields: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """An item's fields with each mapped placeholder filled from its column (a map entry wins over a
    column of the placeholder's own name: the person chose it)."""
    return {**fields, **{p: fields[c] for p, c in mapping.items() if c in fields}}


def renamed_fields(fields: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """An item's fields with each mapped column renamed to its placeholder, in the columns' order: the form
    in which a file runs with the built-in prompts without a map."""
    placeholder_of = {c: p for p, c in mapping.items()}
    return {placeholder_of.get(c, c): v for c, v in fields.items() if c in placeholder_of or c not in mapping}


def question_and_answer(columns: Sequence[str], mapping: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The columns a review table shows: what was asked (`{input}`'s, else the first column) and what was
    judged (`{output}`'s or `{response}`'s, else the last column when there are two or more)."""
    def filling(*placeholders: str) -> str | None:
        for placeholder in placeholders:
            if placeholder in mapping:
                return mapping[placeholder]
            if placeholder in columns:
                return placeholder
        return None

    asked = filling("input") or (columns[0] if columns else None)
    judged = filling("output", "response") or (columns[-1] if len(columns) > 1 else None)
    return asked, judged if judged != asked else None


def unfilled(placeholders: Sequence[str], columns: Sequence[str], mapping: Mapping[str, str]) -> list[str]:
    available = set(mapped_columns(columns, mapping))
    return [p for p in placeholders if p not in available]


def how_to_map(missing: Sequence[str], columns: Sequence[str]) -> str:
    """The `--map` options that would fill `missing`, with a column suggested where the names allow."""
    guess = suggest_column_map(columns, missing)
    return " ".join(f"--map {p}={guess.get(p, 'COLUMN')}" for p in missing)
