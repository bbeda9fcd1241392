"""Judge Arena matches: draw an item, pair two judges, have both write a critique and a score.

The evaluations go through the normal runner (response cache, retries, cost); a local judge
generates text here instead of scoring verdict tokens, since a person needs the critique.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from judgebench.arena.ballots import BallotBox, Match, VoteError
from judgebench.arena.votes import choose_pair
from judgebench.config import load_group_entry, prompt_spec
from judgebench.data.schema import Dataset, DatasetSpec, Item
from judgebench.judges.prompts import CriteriaPrompt
from judgebench.judges.spec import JudgeSpec
from judgebench.kinds import LIKERT
from judgebench.run.plan import PlanOptions, plan_calls
from judgebench.run.session import judge_now

ARENA_COLUMNS = ("criteria", "input", "response", "reference")
DEFAULT_CRITERIA = "Is the response correct, helpful and faithful to the input?"
CUSTOM = "custom"
MAX_DRAWS = 50
# A CPU-bound local judge writes at a few tokens per second: a critique, not an essay.
LOCAL_MAX_TOKENS = 200


def arena_prompt() -> CriteriaPrompt:
    return prompt_spec(load_group_entry("arena", "critique"))


def arena_unfit(columns: Sequence[str], dataset: str) -> str | None:
    """Why a dataset with these columns (after its column map) cannot be evaluated, or None."""
    if "input" in columns and ("output" in columns or "response" in columns):
        return None
    return (f"the arena needs an input and an output (or response) column; choose yours with "
            f"`judgebench data map {dataset} input=COLUMN output=COLUMN` or on the library page")


def arena_fields(fields: Mapping[str, Any], criteria: str) -> dict[str, str]:
    """A dataset row as the arena shows it."""
    response = fields.get("output", fields.get("response"))
    if fields.get("input") is None or response is None:
        raise VoteError(arena_unfit(list(fields), "DATASET"))
    reference = fields.get("reference", fields.get("context")) or ""
    return {"criteria": criteria or DEFAULT_CRITERIA, "input": str(fields["input"]), "response": str(response),
            "reference": str(reference)}


def custom_item(fields: Mapping[str, Any]) -> Item:
    """An item a person typed in: input and response required, reference and criteria optional."""
    if not str(fields.get("input") or "").strip() or not str(fields.get("response") or "").strip():
        raise VoteError("type an input and a response to evaluate")
    shown = arena_fields({"input": fields["input"], "response": fields["response"],
                          "reference": fields.get("reference") or ""}, str(fields.get("criteria") or ""))
    item_id = hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()[:16]
    return Item(item_id=item_id, fields=shown, human=())


@dataclass(frozen=True)
class Critique:
    text: str
    score: float | None
    cost_usd: float | None
    error: str | None


def evaluate(item: Item, judges: Sequence[JudgeSpec], prompt: CriteriaPrompt, cache_path) -> dict[str, Critique]:
    """Each judge's critique and score of the item, through the runner and its cache."""
    # People read the critiques: a local judge writes one instead of scoring fixed answers.
    calls = plan_calls(Dataset(DatasetSpec.of_columns("arena", LIKERT, ARENA_COLUMNS), (item,)), judges, [prompt],
                       PlanOptions(local_writes=LOCAL_MAX_TOKENS, first_sample_only=True))
    return {j.judge_id: Critique(j.raw_text or "", j.value, j.cost_usd, j.error or j.parse_error)
            for j in judge_now(calls, cache_path, "arena")}


class Matchmaker:
    """Draws items from a dataset, pairs judges by the arena's rule, stores the match."""

    def __init__(self, box: BallotBox, judges: Sequence[JudgeSpec], cache_path, seed: int | None = None):
        if len(judges) < 2:
            raise VoteError("the arena needs at least two judges")
        self.box, self.cache_path = box, cache_path
        self.judges = {j.name: j for j in judges}
        self.prompt = arena_prompt()
        self.rng = random.Random(seed)

    def new_match(self, session: str, dataset: str, items: Sequence[Item], criteria: str = "") -> Match:
        votes = self.box.votes()
        for _ in range(MAX_DRAWS):
            item = self.rng.choice(list(items))
            shown = item.fields if dataset == CUSTOM else arena_fields(item.fields, criteria)
            pair = choose_pair(sorted(self.judges), votes, self.box.voted_pairs(session, dataset, item.item_id),
                               self.rng)
            if pair is not None:
                break
        else:
            raise VoteError("you have voted on every pair of judges for these items")
        left, right = pair
        results = evaluate(Item(item.item_id, shown, ()), [self.judges[left], self.judges[right]], self.prompt,
                           self.cache_path)
        failed = [f"{side}: {results[name].error}" for side, name in (("left", left), ("right", right))
                  if results[name].error and results[name].score is None and not results[name].text]
        if failed:
            raise VoteError("a judge could not evaluate this item (" + "; ".join(failed) + "); try another")
        costs = [results[n].cost_usd for n in (left, right) if results[n].cost_usd is not None]
        return self.box.add_match(session, dataset, item.item_id, shown, left, right, results[left].text,
                                  results[right].text, results[left].score, results[right].score,
                                  sum(costs) if costs else None, self.prompt.hash)
