"""After a full labeling job: the dataset's mean score (its pass rate, for Yes/No criteria) from the judge's
labels on every item, corrected with the person's reviews (PPI++, judgebench.estimate.means).

Valid only when the reviewed items are a random sample of the dataset: `--select random` labelings. Items
chosen for review by the judge's uncertainty are not one, and a plain correction on them is biased; for
those the estimate says so instead of giving a number."""

from __future__ import annotations

import math
from dataclasses import dataclass

from judgebench.estimate.means import MeanEstimate, judge_mean, labels_for_half_width, ppi_mean
from judgebench.estimate.report import MIN_LABELS
from judgebench.label.library import Library
from judgebench.label.workflow import Labeling, item_verdicts
from judgebench.run.records import Judgment


@dataclass(frozen=True)
class DatasetEstimate:
    judge_only: MeanEstimate | None
    corrected: MeanEstimate | None
    reviews_to_halve: float | None          # more reviews that would halve the corrected interval
    why_not: str | None = None              # why there is no corrected estimate

    def describe(self, what: str) -> str:
        """One line for people; `what` names the estimand (the kind's `estimand`)."""
        if self.judge_only is None:
            return f"estimated {what}: {self.why_not}"
        judge = f"judge alone {self.judge_only.estimate:.3f}"
        if self.corrected is None:
            return f"estimated {what}: {judge}; no corrected estimate: {self.why_not}"
        c = self.corrected
        more = "" if self.reviews_to_halve is None else (
            f"; about {self.reviews_to_halve:,.0f} more random reviews would halve the interval"
            if math.isfinite(self.reviews_to_halve) else "; more reviews alone cannot halve the interval")
        return (f"estimated {what}: {c.estimate:.3f} (95% interval {c.low:.3f}-{c.high:.3f}) corrected with "
                f"{c.n} reviews; {judge}{more}")


def job_estimate(library: Library, job_id: str) -> DatasetEstimate:
    job = library.job(job_id)
    labeling = Labeling(library, job.labeling_id)
    kind = labeling.kind
    if kind.labels() and kind.score(kind.labels()[0]) is None:
        return DatasetEstimate(None, None, None, f"{kind.name} labels have no mean")
    verdicts = item_verdicts([Judgment.from_dict(r) for r in library.job_judgments(job_id)], kind,
                             labeling.judges[0].name)
    scores = {item_id: kind.score(v.label) for item_id, v in verdicts.items() if v.label is not None}
    if not scores:
        return DatasetEstimate(None, None, None, "the judge gave no verdict")
    judge_only = judge_mean(list(scores.values()))
    if labeling.info.selection != "random":
        return DatasetEstimate(judge_only, None, None, "the reviewed items were chosen by the judge's uncertainty, "
                               "not at random, so they cannot correct the judge without bias (start a labeling "
                               "with random selection for this)")
    reviewed = {r.item_id: kind.score(r.label) for r in library.reviews(labeling.id) if r.item_id in scores}
    if len(reviewed) < MIN_LABELS:
        return DatasetEstimate(judge_only, None, None, f"{len(reviewed)} reviews with a verdict; the correction "
                               f"needs at least {MIN_LABELS}")
    ids = sorted(reviewed)
    y, yhat = [reviewed[i] for i in ids], [scores[i] for i in ids]
    others = [s for i, s in scores.items() if i not in reviewed]
    if not others:
        return DatasetEstimate(judge_only, None, None, "every item was reviewed: the reviews are the answer")
    corrected = ppi_mean(y, yhat, others)
    needed, _ = labels_for_half_width(corrected.half_width / 2, y, yhat, others, corrected.lam)
    return DatasetEstimate(judge_only, corrected, needed - len(y) if math.isfinite(needed) else math.inf)
