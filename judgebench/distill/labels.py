"""Where an evaluator's training labels come from: the humans of a dataset, a judge run (the teacher), both,
or an LLM Judge++ labeling (its reviewed labels and its judge's labels, each with its origin).

A person's label weighs HUMAN_WEIGHT times a judge's: with both sources, the evaluator follows the people where
they labeled and the teacher elsewhere, without letting many judge labels drown a few reviews.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from judgebench.data.schema import Dataset
from judgebench.errors import UserError
from judgebench.kinds import Label, TaskKind

LABEL_SOURCES = ("human", "judge", "both")
HUMAN_WEIGHT = 2.0


class DistillError(UserError, ValueError):
    pass


@dataclass(frozen=True)
class Example:
    item_id: str
    fields: Mapping[str, Any]
    label: Label              # what the evaluator learns
    origin: str               # "human" | "judge"
    human: Label | None       # the people's label, where there is one (the report scores against it)
    teacher: Label | None     # the judge's label, where there is one

    @property
    def weight(self) -> float:
        return HUMAN_WEIGHT if self.origin == "human" else 1.0


def from_dataset(dataset: Dataset, source: str, teacher: Mapping[str, Label | None] | None = None) -> list[Example]:
    """The humans' consensus, the teacher judge's verdicts, or the humans first and the teacher elsewhere."""
    if source not in LABEL_SOURCES:
        raise DistillError(f"labels must be one of {', '.join(LABEL_SOURCES)}, got {source!r}")
    if source != "human" and not teacher:
        raise DistillError("judge labels need a teacher run (--teacher-run and --teacher)")
    kind = dataset.kind
    out = []
    for item in dataset.items:
        human = kind.consensus(item.human) if item.human else None    # ratings: their mean, learned as it is
        judged = (teacher or {}).get(item.item_id)
        if source != "judge" and human is not None:
            out.append(Example(item.item_id, item.fields, human, "human", human, judged))
        elif source != "human" and judged is not None:
            out.append(Example(item.item_id, item.fields, judged, "judge", human, judged))
    return out


def from_labeling(home: str, labeling_id: str) -> tuple[TaskKind, str, list[Example]]:
    """The latest finished labeling job of an LLM Judge++ labeling: reviewed items carry the person's label,
    the others the judge's. Returns the kind, the dataset's name and the examples."""
    from judgebench.data.column_map import renamed_fields
    from judgebench.label.export import labeled_frame, latest_job
    from judgebench.label.library import Library
    from judgebench.label.workflow import Labeling

    library = Library(home)
    labeling = Labeling(library, labeling_id)
    dataset = library.dataset(labeling.info.dataset_id)
    frame = labeled_frame(library, latest_job(library, dataset.dataset_id).job_id, prompt_columns=True)
    fields = {i.item_id: i.fields for i in labeling.items}
    out = []
    for row in frame.to_dict("records"):
        if row["label"] is None or row["label"] != row["label"]:
            continue
        origin = "human" if row["label_source"] == "human" else "judge"
        judged = row["judge_label"] if row["judge_label"] == row["judge_label"] else None
        out.append(Example(row["item_id"], renamed_fields(fields[row["item_id"]], dataset.column_map),
                           labeling.kind.label(row["label"]), origin,
                           row["label"] if origin == "human" else None, judged))
    return labeling.kind, f"{dataset.name}@{dataset.version}", out

