"""After a full job: the dataset's pass rate, judge-only and corrected with the person's random reviews."""

from __future__ import annotations

import pytest

from judgebench.estimate.means import judge_mean, ppi_mean
from judgebench.label.estimate import job_estimate
from judgebench.label.jobs import run_job, submit_job
from judgebench.label.workflow import criteria, judges_from, start_labeling
from tests.label.conftest import script, scripted_judge


def reviewed_job(library, dataset_id, server, selection: str, rounds: int = 2):
    """The person says `invented` answers on a tax topic pass too (the judge says No to them)."""
    script(server)
    labeling, _ = start_labeling(library, dataset_id, criteria("faithfulness"), judges_from([scripted_judge(server)]),
                                 selection=selection, batch_size=8, seed=5)
    for round_ in range(rounds):
        if round_:
            labeling.next_batch(8)
        labeling.submit_reviews({e.item_id: 1 for e in labeling.current_batch()
                                 if "tax" in labeling.item(e.item_id).fields["output"]})
    job_id = submit_job(library, labeling.id)
    assert run_job(library, job_id).status == "completed"
    return labeling, job_id


def test_random_reviews_correct_the_judges_pass_rate(library, dataset_id, server):
    labeling, job_id = reviewed_job(library, dataset_id, server, "random")
    estimate = job_estimate(library, job_id)
    judged = {i.item_id: int("supported" in i.fields["output"]) for i in labeling.items}
    reviews = {r.item_id: r.label for r in library.reviews(labeling.id)}
    assert estimate.judge_only.estimate == pytest.approx(judge_mean(list(judged.values())).estimate)
    ids = sorted(reviews)
    expected = ppi_mean([reviews[i] for i in ids], [judged[i] for i in ids],
                        [v for i, v in judged.items() if i not in reviews])
    assert (estimate.corrected.estimate, estimate.corrected.low) == (pytest.approx(expected.estimate),
                                                                      pytest.approx(expected.low))
    assert estimate.reviews_to_halve > 0
    text = estimate.describe("pass rate")
    assert text.startswith(f"estimated pass rate: {expected.estimate:.3f} (95% interval") and "16 reviews" in text


def test_reviews_chosen_by_uncertainty_are_weighted_by_their_chance(library, dataset_id, server):
    """Active selection: the job's estimate is the rounds' one (each review weighed by its chance)."""
    from judgebench.estimate.means import RoundDraw, rounds_mean
    from judgebench.label.estimate import review_estimate

    labeling, job_id = reviewed_job(library, dataset_id, server, "active")
    estimate = job_estimate(library, job_id)
    rounds = review_estimate(library, labeling.id)
    assert estimate.corrected == rounds.corrected and estimate.corrected.n == 16
    reviews = {r.item_id: r.label for r in library.reviews(labeling.id)}
    draws, known = [], 0.0
    for round_, pool in sorted(library.pools(labeling.id).items()):
        drawn = {e.item_id for e in library.batch(labeling.id, round_)}
        draws.append(RoundDraw(40 - 8 * (round_ - 1), [e.judge_score for e in pool], [e.inclusion for e in pool],
                               [reviews[e.item_id] if e.item_id in drawn else None for e in pool], known))
        known += sum(reviews[i] for i in drawn)
    assert estimate.corrected.estimate == pytest.approx(rounds_mean(draws, 40).estimate)
    assert "judge alone 0.500" in estimate.describe("pass rate")


def test_too_few_reviews(library, dataset_id, server):
    _, job_id = reviewed_job(library, dataset_id, server, "random", rounds=1)
    assert "8 reviews with a verdict; the correction needs at least 10" in job_estimate(library, job_id).why_not
