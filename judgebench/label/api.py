"""The Python API of LLM Judge++, in the style of hosted labeling services.

    from judgebench import AutoEval, BuiltinCriteria
    client = AutoEval()                                   # library under $JUDGEBENCH_HOME or the user data dir
    dataset_id = client.add_dataset("tickets.csv", name="tickets")
    labeling_id = client.start_labeling(dataset_id, BuiltinCriteria.FAITHFULNESS)
    batch = client.get_review_batch(labeling_id)          # 16 items, the judge's label, probability, reason
    client.submit_reviews(labeling_id, {batch[0]["item_id"]: 0})
    job_id = client.label_dataset(dataset_id=dataset_id, labeling_id=labeling_id, wait_for_completion=False)
    client.wait_for_label_dataset_job(job_id)
    labeled = client.download_dataset(dataset_id)         # a pandas DataFrame
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from judgebench.judges.prompts import CriteriaPrompt
from judgebench.label.export import labeled_frame, latest_job, write_frame
from judgebench.label.ingest import read_upload
from judgebench.label.jobs import cancel_job, reopen_job, run_job, spawn_job, submit_job, wait_for_job
from judgebench.label.library import Library, LibraryError
from judgebench.label.records import DatasetInfo
from judgebench.label.workflow import (
    BATCH_SIZE, DEFAULT_FEW_SHOT, DEFAULT_POOL, Labeling, criteria, judges_from, start_labeling,
)


class BuiltinCriteria:
    """Names of the criteria prompts that ship in conf/prompt (binary, then Likert 1-5)."""

    FAITHFULNESS = "faithfulness"
    CORRECTNESS = "correctness"
    RELEVANCE = "relevance"
    HELPFULNESS = "helpfulness"
    HARMLESSNESS = "harmlessness"
    COHERENCE = "coherence"
    HELPFULNESS_LIKERT = "helpfulness_likert"
    DIALOGUE_OVERALL = "dialogue_overall"


# The name hosted labeling services use for the same thing; kept so that their snippets run unchanged.
BuiltinMetrics = BuiltinCriteria


class AutoEval:
    def __init__(self, home: str | Path | None = None, judge: str | Mapping[str, Any] | Sequence | None = None,
                 judge_dirs: Sequence[str] = ()):
        """`judge`: the default judge(s) for new labelings (a conf/judge name, an inline mapping, or a list
        whose first entry labels and whose others help pick items to review); default: the embedded judge."""
        self.library = Library(home)
        self.judge = judge
        self.judge_dirs = tuple(judge_dirs)

    # --- datasets ---------------------------------------------------------------------------

    def add_dataset(self, data: str | Path | pd.DataFrame | Sequence[Mapping[str, Any]], name: str | None = None,
                    id_column: str | None = None, column_map: Mapping[str, str] | None = None) -> str:
        """A JSONL / CSV / Parquet file, a DataFrame or a list of dicts; returns the new dataset id
        (adding a name again makes a new version). Its column map (which column fills which prompt
        placeholder) is suggested from the column names; `column_map` entries override it."""
        if isinstance(data, (str, Path)):
            items, columns = read_upload(str(data), id_column=id_column)
            return self.library.add_dataset(name or Path(data).stem, items, columns, str(data), column_map).dataset_id
        frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))
        if name is None:
            raise LibraryError("name the dataset: add_dataset(data, name=...)")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "data.parquet"
            frame.to_parquet(path, index=False)
            items, columns = read_upload(str(path), id_column=id_column, display_name=f"<{name}>")
        return self.library.add_dataset(name, items, columns, "python", column_map).dataset_id

    def get_column_map(self, dataset_id: str) -> dict[str, str]:
        return dict(self.library.dataset(dataset_id).column_map)

    def set_column_map(self, dataset_id: str, column_map: Mapping[str, str | None]) -> dict[str, str]:
        """Change which column fills which placeholder ({"output": "answer"}; None removes an entry)."""
        return self.library.set_column_map(self.library.dataset(dataset_id).dataset_id, column_map)

    def list_datasets(self) -> list[DatasetInfo]:
        return self.library.datasets()

    def get_dataset(self, dataset_id: str) -> pd.DataFrame:
        info = self.library.dataset(dataset_id)
        return pd.DataFrame([{"item_id": i.item_id, **i.fields} for i in self.library.items(info.dataset_id)])

    def delete_dataset(self, dataset_id: str) -> None:
        self.library.remove_dataset(self.library.dataset(dataset_id).dataset_id)

    # --- review loop ------------------------------------------------------------------------

    def start_labeling(self, dataset_id: str, prompt_template: str | CriteriaPrompt, *, judge=None,
                       selection: str = "active", few_shot_k: int = DEFAULT_FEW_SHOT, batch_size: int = BATCH_SIZE,
                       pool_size: int = DEFAULT_POOL, kind: str | None = None, seed: int = 0,
                       column_map: dict[str, str] | None = None) -> str:
        """Create a labeling and have the judge label its first review batch; returns the labeling id.
        A template needs its `kind` (binary, likert); `column_map` says which column fills a placeholder
        ({"output": "answer"}) and is remembered for the dataset."""
        labeling, _ = start_labeling(self.library, dataset_id, criteria(prompt_template, kind=kind),
                                     judges_from(judge or self.judge, self.judge_dirs), few_shot_k=few_shot_k,
                                     selection=selection, pool_size=pool_size, seed=seed, batch_size=batch_size,
                                     column_map=column_map)
        return labeling.id

    def get_review_batch(self, labeling_id: str) -> list[dict[str, Any]]:
        labeling = Labeling(self.library, labeling_id)
        return [{"item_id": e.item_id, "fields": dict(labeling.item(e.item_id).fields), "judge_label": e.judge_label,
                 "judge_prob": e.judge_prob, "reason": e.reason, "uncertainty": e.uncertainty,
                 "prompt_version": e.prompt_version, "round": e.round} for e in labeling.current_batch()]

    def submit_reviews(self, labeling_id: str, labels: Mapping[str, Any]) -> int:
        """Your labels for the open batch (item_id -> label; items left out accept the judge's label).
        Returns how many you changed. They become few-shot examples from now on."""
        return Labeling(self.library, labeling_id).submit_reviews(labels)

    def next_review_batch(self, labeling_id: str, size: int = BATCH_SIZE) -> list[dict[str, Any]]:
        Labeling(self.library, labeling_id).next_batch(size)
        return self.get_review_batch(labeling_id)

    def update_prompt(self, labeling_id: str, template: str, system: str | None = None) -> list[dict[str, Any]]:
        """A new prompt version; the open batch is labeled again with it."""
        Labeling(self.library, labeling_id).change_prompt(template, system)
        return self.get_review_batch(labeling_id)

    # --- full labeling jobs -----------------------------------------------------------------

    def label_dataset(self, dataset_id: str | None = None, prompt_template: str | CriteriaPrompt | None = None, *,
                      labeling_id: str | None = None, judge=None, kind: str | None = None,
                      wait_for_completion: bool = True, timeout: float | None = None) -> str:
        """Label every item; returns the job id. With `labeling_id`, its latest prompt and reviewed examples
        are used; otherwise a labeling without reviews is made from `prompt_template`. Without waiting, the
        job runs in a background process that outlives this one."""
        if labeling_id is None:
            if dataset_id is None or prompt_template is None:
                raise LibraryError("give dataset_id and prompt_template, or the labeling_id of a reviewed labeling")
            labeling, _ = start_labeling(self.library, dataset_id, criteria(prompt_template, kind=kind),
                                         judges_from(judge or self.judge, self.judge_dirs), batch_size=0)
            labeling_id = labeling.id
        job_id = submit_job(self.library, labeling_id)
        if wait_for_completion:
            run_job(self.library, job_id)
            self.wait_for_label_dataset_job(job_id, timeout)
        else:
            spawn_job(self.library, job_id)
        return job_id

    def get_job(self, job_id: str) -> dict[str, Any]:
        return self.library.job(job_id).to_dict()

    def wait_for_label_dataset_job(self, job_id: str, timeout: float | None = None) -> dict[str, Any]:
        info = wait_for_job(self.library, job_id, timeout)
        if info.status != "completed":
            raise LibraryError(f"job {job_id} ended {info.status}: {info.error or 'no error recorded'}")
        return info.to_dict()

    def cancel_job(self, job_id: str) -> dict[str, Any]:
        return cancel_job(self.library, job_id).to_dict()

    def resume_job(self, job_id: str, wait_for_completion: bool = True) -> dict[str, Any]:
        """Continue a job that was cancelled, failed or whose process died, where it stopped."""
        reopen_job(self.library, job_id)
        if wait_for_completion:
            return run_job(self.library, job_id).to_dict()
        spawn_job(self.library, job_id)
        return self.get_job(job_id)

    def download_dataset(self, dataset_id: str, path: str | Path | None = None, *, job_id: str | None = None,
                         format: str | None = None, prompt_columns: bool = False) -> pd.DataFrame:
        """The labeled dataset of the latest completed job (or `job_id`); written to `path` if given.
        `prompt_columns`: mapped columns named after the placeholders they fill (see the column map)."""
        job_id = job_id or latest_job(self.library, self.library.dataset(dataset_id).dataset_id).job_id
        frame = labeled_frame(self.library, job_id, prompt_columns)
        if path is not None:
            write_frame(frame, path, format)
        return frame
