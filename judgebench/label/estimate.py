"""The dataset's mean score (its pass rate, for Yes/No criteria), from the judge and the person's reviews.

After each review round (`review_estimate`): every round drew a uniform pool of the open items, the judge
labeled it, and the batch came from the pool with known chances (∝ the judge's uncertainty for active
selection); `estimate.means.rounds_mean` weighs each review by its chance, so items chosen because the
judge was unsure do not bias the estimate. After a full job of a random-selection labeling
(`job_estimate`), the judge's labels on every item are corrected with the reviews (PPI++); for active
selection the job's estimate is the rounds' one."""

from __future__ import annotations

import math
from dataclasses import dataclass

from judgebench.estimate.means import (
    MeanEstimate, RoundDraw, judge_mean, labels_for_half_width, ppi_mean, rounds_mean,
)
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
            f"; about {self.reviews_to_halve:,.0f} more reviews would halve the interval"
            if math.isfinite(self.reviews_to_halve) else "; more reviews alone cannot halve the interval")
        return (f"estimated {what}: {c.estimate:.3f} (95% interval {c.low:.3f}-{c.high:.3f}) corrected with "
                f"{c.n} reviews; {judge}{more}")


def review_estimate(library: Library, labeling_id: str) -> DatasetEstimate:
    info = library.labeling(labeling_id)        # not the items: a page asks for this on every load
    kind = info.kind
    pools = library.pools(labeling_id)
    reviews = {r.item_id: r for r in library.reviews(labeling_id)}
    first = [e.judge_score for e in pools.get(1, []) if e.judge_score is not None]
    judge_only = judge_mean(first) if first else None
    rounds, known = [], 0.0
    for round_, pool in sorted(pools.items()):
        drawn = {e.item_id for e in library.batch(labeling_id, round_)}
        if not drawn or not drawn <= set(reviews):
            break                                   # the open round has no reviews yet
        scores = [e.judge_score for e in pool if e.judge_score is not None]
        fill = sum(scores) / len(scores) if scores else 0.0     # any fixed value is valid; the mean is a good one
        rounds.append(RoundDraw(pool[0].open_count, [fill if e.judge_score is None else e.judge_score for e in pool],
                                [e.inclusion for e in pool],
                                [kind.score(reviews[e.item_id].label) if e.item_id in drawn else None for e in pool],
                                known))
        known += sum(kind.score(reviews[i].label) for i in drawn)
    reviewed = sum(len(library.batch(labeling_id, r)) for r in range(1, len(rounds) + 1))
    if reviewed < MIN_LABELS:
        return DatasetEstimate(judge_only, None, None, f"{reviewed} reviews so far; the correction needs at "
                               f"least {MIN_LABELS}" if judge_only else "no review round yet")
    corrected = rounds_mean(rounds, library.dataset(info.dataset_id).n_items)
    # The interval narrows about as 1/sqrt(reviews): four times the reviews halve it.
    return DatasetEstimate(judge_only, corrected, 3.0 * corrected.n)


def job_estimate(library: Library, job_id: str) -> DatasetEstimate:
    job = library.job(job_id)
    labeling = Labeling(library, job.labeling_id)
    kind = labeling.kind
    if not kind.scored:
        return DatasetEstimate(None, None, None, f"{kind.name} labels have no mean")
    verdicts = item_verdicts([Judgment.from_dict(r) for r in library.job_judgments(job_id)], kind,
                             labeling.judges[0].name)
    scores = {item_id: kind.score(v.label) for item_id, v in verdicts.items() if v.label is not None}
    if not scores:
        return DatasetEstimate(None, None, None, "the judge gave no verdict")
    judge_only = judge_mean(list(scores.values()))
    if labeling.info.selection != "random":
        rounds = review_estimate(library, labeling.id)
        return DatasetEstimate(judge_only, rounds.corrected, rounds.reviews_to_halve, rounds.why_not)
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
