"""The labeled dataset: every item with its label, where the label came from, and which prompt made it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from judgebench.data.column_map import renamed_fields
from judgebench.label.escalate import label_guarantee
from judgebench.label.library import Library, LibraryError
from judgebench.label.records import JobInfo
from judgebench.label.workflow import Labeling, item_verdicts
from judgebench.run.records import Judgment

EXPORT_FORMATS = ("jsonl", "csv", "parquet")
# Columns added to the dataset's own; a dataset column of the same name is kept and these get a prefix.
LABEL_COLUMNS = ("item_id", "label", "label_source", "judge_label", "judge_prob", "judge_reason",
                 "prompt_version", "prompt_hash", "job_id")


def latest_job(library: Library, dataset_id: str) -> JobInfo:
    jobs = [j for j in library.jobs(dataset_id) if j.status == "completed"]
    if not jobs:
        raise LibraryError(f"dataset {dataset_id} has no completed labeling job yet; submit one "
                           "(`judgebench label submit LABELING_ID`) and wait for it")
    return jobs[-1]


def labeled_frame(library: Library, job_id: str, prompt_columns: bool = False) -> pd.DataFrame:
    """One row per item, in upload order. Reviewed items carry the person's label (source `human`);
    the others the judge's (source `judge`, or for a labeling with a calibrated guarantee `judge, guaranteed`
    and `judge, unguaranteed`), or no label where the judge gave none (source `none`).
    `prompt_columns`: mapped columns are named after the placeholders they fill (`answer` becomes `output`),
    so that the file runs with the built-in criteria as it is."""
    job = library.job(job_id)
    column_map = library.dataset(job.dataset_id).column_map if prompt_columns else {}
    labeling = Labeling(library, job.labeling_id)
    stored, prompt = labeling.prompt(job.prompt_version)
    judgments = [Judgment.from_dict(r) for r in library.job_judgments(job_id)]
    verdicts = item_verdicts(judgments, labeling.kind, labeling.judges[0].name)
    human = dict(labeling.reviewed())
    guarantee = label_guarantee(library, labeling.id)
    origin = guarantee.origin if guarantee and guarantee.threshold else {}
    rows: list[dict[str, Any]] = []
    for item in labeling.items:
        verdict = verdicts.get(item.item_id)
        judge_label = verdict.label if verdict else None
        if item.item_id in human:
            label, source = human[item.item_id], "human"
        elif judge_label is not None:
            label, source = judge_label, origin.get(item.item_id, "judge")
        else:
            label, source = None, "none"
        added = {"item_id": item.item_id, "label": label, "label_source": source, "judge_label": judge_label,
                 "judge_prob": verdict.prob if verdict else None, "judge_reason": verdict.reason if verdict else None,
                 "prompt_version": stored.version, "prompt_hash": prompt.hash, "job_id": job_id}
        row = renamed_fields(item.fields, column_map)
        for name, value in added.items():
            row[name if name not in row else f"judgebench_{name}"] = value
        rows.append(row)
    return pd.DataFrame(rows)


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would read as a formula get a leading apostrophe, which it shows
    as text; numbers are left alone (a negative number is no formula)."""
    def escape(value: Any) -> Any:
        return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value

    return frame.apply(lambda column: column.map(escape) if not pd.api.types.is_numeric_dtype(column) else column)


def write_frame(frame: pd.DataFrame, path: str | Path, fmt: str | None = None) -> Path:
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in EXPORT_FORMATS:
        raise LibraryError(f"cannot write {path.name!r}: format must be one of {', '.join(EXPORT_FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    elif fmt == "csv":
        spreadsheet_safe(frame).to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path
