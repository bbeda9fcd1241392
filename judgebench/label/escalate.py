"""LLM Judge++ with a guarantee (`--select escalate`): which of the judge's labels can be kept, which a person
must see. Reads the library; the statistics are `trust/selective.py`.

Review rounds of an escalating labeling are uniform draws of the open items: those reviews calibrate the
judge's confidence threshold λ̂ (Trust or Escalate, fixed-sequence testing) once a labeling job has given
every item a verdict and a confidence. Then the items below λ̂ that nobody reviewed are the person's queue
(least confident first, in the following rounds, which calibrate nothing); the judge's labels at or above
λ̂ agree with people at least 1 − α of the time with probability ≥ 1 − δ."""

from __future__ import annotations

from dataclasses import dataclass

from judgebench.label.library import Library
from judgebench.label.records import LibraryError
from judgebench.run.records import Judgment
from judgebench.trust.confidence import confidences
from judgebench.trust.selective import Threshold, calibrate, start_size

GUARANTEED, UNGUARANTEED, HUMAN = "judge, guaranteed", "judge, unguaranteed", "human"


@dataclass(frozen=True)
class LabelGuarantee:
    alpha: float
    delta: float
    threshold: Threshold | None         # None: not calibrated yet (`why` says why)
    calibration_reviews: int
    origin: dict[str, str]              # item -> HUMAN | GUARANTEED | UNGUARANTEED
    queue: tuple[str, ...]              # unreviewed items below the threshold, least confident first
    confidence_from: str | None = None
    why: str | None = None

    def count(self, origin: str) -> int:
        return sum(o == origin for o in self.origin.values())

    def describe(self) -> str:
        head = f"guarantee: agreement >= {1 - self.alpha:g} with probability >= {1 - self.delta:g}"
        if self.threshold is None or self.threshold.threshold is None:
            return f"{head}; {self.why or 'no threshold achieves it: every label needs a person'}"
        return (f"{head}: {self.count(GUARANTEED)} judge labels carry it (confidence >= "
                f"{self.threshold.threshold:.4g} from {self.confidence_from}, calibrated on "
                f"{self.calibration_reviews} random reviews), {len(self.queue)} still need a person, "
                f"{self.count(HUMAN)} reviewed")


def label_guarantee(library: Library, labeling_id: str) -> LabelGuarantee | None:
    """None for a labeling without a guarantee; else its state after the latest completed job."""
    settings = library.guarantee(labeling_id)
    if settings is None:
        return None
    alpha, delta = settings
    info = library.labeling(labeling_id)
    reviews = {r.item_id: r for r in library.reviews(labeling_id)}
    human = {item: HUMAN for item in reviews}
    jobs = [j for j in library.jobs() if j.labeling_id == labeling_id and j.status == "completed"]
    if not jobs:
        return LabelGuarantee(alpha, delta, None, 0, human, (), why="calibrated once a labeling job has labeled "
                              "every item (`judgebench label submit`)")
    judgments = [Judgment.from_dict(r) for r in library.job_judgments(jobs[-1].job_id)]
    judge = info.judges[0]["name"]
    given = confidences(judge, judgments)
    random_rounds = set(library.pools(labeling_id))
    calibration = [r for r in reviews.values() if r.round in random_rounds and r.item_id in given.verdict]
    if len(calibration) < start_size(alpha, delta):
        return LabelGuarantee(alpha, delta, None, len(calibration), human, (), given.source,
                              f"{len(calibration)} random reviews so far; calibrating at alpha {alpha:g}, delta "
                              f"{delta:g} needs at least {start_size(alpha, delta)}")
    threshold = calibrate([given.confidence[r.item_id] for r in calibration],
                          [given.verdict[r.item_id] == r.label for r in calibration], alpha=alpha, delta=delta)
    keeps = {item for item, c in given.confidence.items()
             if threshold.threshold is not None and c >= threshold.threshold and given.verdict[item] is not None}
    origin = {item: HUMAN if item in reviews else GUARANTEED if item in keeps else UNGUARANTEED
              for item in given.verdict}
    queue = tuple(sorted((i for i, o in origin.items() if o == UNGUARANTEED), key=lambda i: (given.confidence[i], i)))
    return LabelGuarantee(alpha, delta, threshold, len(calibration), origin, queue, given.source)


def escalated_batch(library: Library, labeling_id: str, size: int) -> list[str] | None:
    """The next items for the person once the threshold is calibrated; None before (draw at random then)."""
    state = label_guarantee(library, labeling_id)
    if state is None or state.threshold is None:
        return None
    if not state.queue:
        raise LibraryError("every label below the threshold has been reviewed: nothing more needs a person")
    return list(state.queue[:size])
