"""An LLM Judge++ labeling as a leaderboard dataset: the reviewed items, the person's labels as the
human labels, and the labeling's judge under each prompt version as a judge of its own (its label as
the person saw it when reviewing), so the board shows whether revising the prompt helped."""

from __future__ import annotations

from judgebench.data.schema import Item
from judgebench.label.library import Library, LibraryError
from judgebench.label.workflow import Labeling
from judgebench.report.leaderboard import RunData
from judgebench.score.table import JudgeVerdicts


def labeling_run(library: Library, labeling_id: str) -> RunData:
    labeling = Labeling(library, labeling_id)
    reviews = library.reviews(labeling.id)
    if not reviews:
        raise LibraryError(f"labeling {labeling.id} has no reviews yet: review a batch first "
                           f"(judgebench label review {labeling.id})")
    items = [Item(r.item_id, labeling.item(r.item_id).fields, (r.label,), ("you",), f"review round {r.round}")
             for r in reviews]
    judge = labeling.judges[0].name
    by_version: dict[int, dict] = {}
    for review in reviews:
        by_version.setdefault(review.prompt_version, {})[review.item_id] = review.judge_label
    verdicts = [JudgeVerdicts(f"{judge}/v{version}", labels, judge_id=f"{judge}/v{version}", prompt_id=f"v{version}")
                for version, labels in sorted(by_version.items())]
    info = library.dataset(labeling.info.dataset_id)
    return RunData(f"labeling {labeling.id} ({info.name}@{info.version})", labeling.kind, items, verdicts, [],
                   {"judges": {}}, {})
