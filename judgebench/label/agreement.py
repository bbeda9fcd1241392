"""How well the judge agrees with the person, from the reviews (pure: reviews in, records out).

Each review keeps the judge's label as the person saw it and the prompt version it came from, so
the agreement of every prompt version is measured on the items reviewed while it was in use, with
a Wilson score interval (scipy's `binomtest(...).proportion_ci(method="wilson")`); a failed verdict
counts as a disagreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from scipy import stats

from judgebench.label.records import Review


@dataclass(frozen=True)
class VersionAgreement:
    prompt_version: int
    agreed: int
    reviewed: int
    low: float
    high: float
    level: float = 0.95

    @property
    def rate(self) -> float:
        return self.agreed / self.reviewed

    def describe(self) -> str:
        return (f"v{self.prompt_version} agrees with you on {self.agreed}/{self.reviewed} "
                f"({round(100 * self.level)}% interval {self.low:.2f}-{self.high:.2f})")


def agreement_by_version(reviews: Sequence[Review], level: float = 0.95) -> list[VersionAgreement]:
    """Newest prompt version first."""
    counts: dict[int, list[int]] = {}
    for review in reviews:
        tally = counts.setdefault(review.prompt_version, [0, 0])
        tally[0] += review.judge_label is not None and review.judge_label == review.label
        tally[1] += 1
    out = []
    for version in sorted(counts, reverse=True):
        agreed, reviewed = counts[version]
        interval = stats.binomtest(agreed, reviewed).proportion_ci(confidence_level=level, method="wilson")
        out.append(VersionAgreement(version, agreed, reviewed, float(interval.low), float(interval.high), level))
    return out


def describe_agreement(reviews: Sequence[Review]) -> str:
    """"v2 agrees with you on 14/16 (...); v1 on 11/16 (...)", or a line saying nothing is reviewed yet."""
    versions = agreement_by_version(reviews)
    if not versions:
        return "no reviews yet: the judge's agreement with you shows after the first round"
    first, rest = versions[0].describe(), [v.describe().replace(" agrees with you", "") for v in versions[1:]]
    return "; ".join([first, *rest])
