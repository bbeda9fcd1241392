"""The LLM Judge++ loop: label a review batch, take a person's corrections, feed them back as examples.

Every judge call goes through the normal runner (cache, retries, rate limits); the few-shot examples for
an item are the reviewed items most similar to it, balanced across labels.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from judgebench.config import ConfigError, group_names, judge_spec, load_group_entry, prompt_spec
from judgebench.data.column_map import how_to_map, mapped_columns, mapped_fields, unfilled
from judgebench.data.schema import Dataset, DatasetSpec, Item, Label
from judgebench.estimate.means import inclusion_probabilities
from judgebench.estimate.sampling import systematic_sample
from judgebench.judges.prompts import CriteriaPrompt, PromptError, validate_prompt
from judgebench.judges.spec import JudgeSpec
from judgebench.kinds import KINDS, LabelError, TaskKind, kind_from
from judgebench.label.library import Library, LibraryError
from judgebench.label.records import BatchEntry, LabelingInfo, PoolEntry, PromptVersion
from judgebench.label.select import SimilarExamples, combined_uncertainty, disagreement, item_text
from judgebench.run.plan import PlanOptions, plan_calls
from judgebench.run.records import Judgment
from judgebench.run.runner import JudgmentSink
from judgebench.run.session import judge_now, probe_judges

BATCH_SIZE = 16
DEFAULT_POOL = 128
# active: by the judge's uncertainty, with known chances; random: uniform; escalate: uniform until a guarantee's
# threshold is calibrated, then the items below it (label/escalate.py)
SELECTIONS = ("active", "random", "escalate")
DEFAULT_FEW_SHOT = 4
DEFAULT_JUDGE = "local_smollm2"


@dataclass(frozen=True)
class ItemVerdict:
    label: Label | None
    prob: float | None          # probability of `label`
    reason: str | None
    uncertainty: float


def builtin_criteria() -> dict[str, str]:
    """Built-in criteria usable for labeling (name -> description)."""
    out = {}
    for name in group_names("prompt"):
        entry = load_group_entry("prompt", name)
        if KINDS.get(entry.get("kind", "binary")).reviewable:
            out[name] = " ".join(str(entry.get("description", "")).split())
    return out


def criteria(prompt: str | CriteriaPrompt | None = None, *, template: str | None = None,
             system: str = "", kind: str | None = None) -> CriteriaPrompt:
    """A built-in metric by name (`faithfulness`), or a template with `{column}` placeholders and the
    `kind` of label it asks for, given explicitly: a wrong guess would label a 1-5 prompt as Yes/No."""
    if isinstance(prompt, CriteriaPrompt):
        return prompt
    if prompt and "{" not in prompt:
        return prompt_spec(prompt)
    template = template or prompt
    if not template:
        raise ConfigError(f"give a built-in metric ({', '.join(builtin_criteria())}) or a template with "
                          "{column} placeholders")
    reviewable = [k for k in KINDS.names() if KINDS.get(k).reviewable]
    if kind is None:
        raise ConfigError(f"a custom prompt needs its kind: which labels does it ask for ({', '.join(reviewable)})?")
    if kind not in KINDS:
        raise ConfigError(f"kind must be one of {KINDS.names()}, got {kind!r}")
    return CriteriaPrompt(name="custom", kind=kind, template=template, system=system)


def judges_from(names: Sequence[str | Mapping[str, Any]] | str | Mapping[str, Any] | None,
                judge_dirs: Sequence[str] = ()) -> list[JudgeSpec]:
    """Judge names from conf/judge (or `judge_dirs`), or inline mappings; the default is the embedded judge."""
    names = [names] if isinstance(names, (str, Mapping)) else list(names or [DEFAULT_JUDGE])
    judges = [judge_spec(n, tuple(judge_dirs)) for n in names]
    if len({j.name for j in judges}) != len(judges):
        raise ConfigError("judge names must be unique")
    return judges


def _as_prompt(version: PromptVersion, kind: TaskKind) -> CriteriaPrompt:
    return CriteriaPrompt(name=version.name, kind=kind.name, template=version.template, system=version.system)


def task_dataset(library: Library, dataset_id: str, kind: TaskKind, items: Sequence[Item] | None = None) -> Dataset:
    """The dataset as a prompt sees it: its items' fields with the version's column map applied."""
    info = library.dataset(dataset_id)
    items = library.items(dataset_id) if items is None else items
    return Dataset(DatasetSpec.of_columns(info.name, kind, mapped_columns(info.columns, info.column_map)),
                   tuple(Item(i.item_id, mapped_fields(i.fields, info.column_map), i.human, i.annotators, i.source)
                         for i in items))


def check_prompt_fits(library: Library, dataset_id: str, prompt: CriteriaPrompt, kind: TaskKind) -> None:
    """The prompt can be filled from the dataset's columns through its column map, or an error that says
    which `--map` (or which Columns box on the page) fills it."""
    info = library.dataset(dataset_id)
    missing = unfilled(prompt.placeholders, info.columns, info.column_map)
    if missing:
        raise PromptError(
            f"prompt {prompt.name!r} uses {', '.join('{' + p + '}' for p in missing)}, which no column of dataset "
            f"{info.name!r} fills (columns: {', '.join(info.columns)}); choose the columns: "
            f"{how_to_map(missing, info.columns)} (on the page: the Columns boxes)")
    validate_prompt(prompt, mapped_columns(info.columns, info.column_map), kind, info.name)


class Labeling:
    """One labeling of a library dataset: its criteria, judge(s), review rounds and few-shot pool."""

    def __init__(self, library: Library, labeling_id: str):
        self.library = library
        self.info: LabelingInfo = library.labeling(labeling_id)
        self.judges = [judge_spec(j) for j in self.info.judges]
        self._items: list[Item] | None = None
        self._similar: SimilarExamples | None = None

    @property
    def id(self) -> str:
        return self.info.labeling_id

    @property
    def kind(self) -> TaskKind:
        return self.info.kind

    @property
    def items(self) -> list[Item]:
        if self._items is None:
            self._items = self.library.items(self.info.dataset_id)
        return self._items

    def item(self, item_id: str) -> Item:
        if self._items is None:         # a page showing 16 items need not load the whole dataset
            return self.library.item(self.info.dataset_id, item_id)
        for item in self._items:
            if item.item_id == item_id:
                return item
        raise LibraryError(f"no item {item_id!r} in dataset {self.info.dataset_id}")

    @property
    def similar(self) -> SimilarExamples:
        if self._similar is None:
            self._similar = SimilarExamples({i.item_id: item_text(i.fields) for i in self.items})
        return self._similar

    def prompt(self, version: int | None = None) -> tuple[PromptVersion, CriteriaPrompt]:
        stored = self.library.prompt_version(self.id, version)
        return stored, _as_prompt(stored, self.kind)

    def reviewed(self) -> list[tuple[str, Label]]:
        return [(r.item_id, r.label) for r in self.library.reviews(self.id)]

    def examples_for(self, reviewed: Sequence[tuple[str, Label]]):
        by_id = {i.item_id: i for i in self.items}
        column_map = self.library.dataset(self.info.dataset_id).column_map

        def choose(item: Item):
            return [(mapped_fields(by_id[rid].fields, column_map), label) for rid, label in
                    self.similar.pick(item.item_id, reviewed, self.info.few_shot_k)]
        return choose

    def plan(self, items: Sequence[Item], prompt: CriteriaPrompt, reviewed: Sequence[tuple[str, Label]],
             judges: Sequence[JudgeSpec] | None = None):
        dataset = task_dataset(self.library, self.info.dataset_id, self.kind, items)
        return plan_calls(dataset, judges or self.judges, [prompt],
                          PlanOptions(examples_for=self.examples_for(reviewed), key_per_item=True))

    def judge(self, items: Sequence[Item], prompt: CriteriaPrompt, reviewed: Sequence[tuple[str, Label]],
              sink: JudgmentSink | None = None, run_id: str | None = None) -> list[Judgment]:
        """Judge `items` with every judge of the labeling; returns the judgments (also given to `sink`)."""
        return judge_now(self.plan(items, prompt, reviewed), self.library.cache_path, run_id or self.id, sink)

    def verdicts(self, judgments: Sequence[Judgment]) -> dict[str, ItemVerdict]:
        return item_verdicts(judgments, self.kind, self.judges[0].name)

    # --- rounds ----------------------------------------------------------------------------

    def next_batch(self, size: int = BATCH_SIZE, among: set[str] | None = None) -> list[BatchEntry]:
        """A new round: `size` unreviewed items (of `among`, if given), chosen as the labeling's selection says."""
        reviewed = self.reviewed()
        done = {rid for rid, _ in reviewed} | {e.item_id for e in self.current_batch()}
        open_items = [i for i in self.items if i.item_id not in done and (among is None or i.item_id in among)]
        if not open_items:
            raise LibraryError("every item has been reviewed or is in the open batch")
        round_ = self.rounds() + 1
        rng = random.Random(f"{self.info.seed}:{round_}")
        stored, prompt = self.prompt()
        if self.info.selection == "escalate":
            from judgebench.label.escalate import escalated_batch

            queue = escalated_batch(self.library, self.id, size)
            if queue is not None:
                return self._save_batch(round_, stored.version, [self.item(i) for i in queue], prompt, reviewed)
        # A uniform pool of the open items; from it the batch, each item with a known chance (all of them
        # for random selection, ∝ the judge's uncertainty for active), so reviews can correct the judge's
        # estimate of the whole dataset without bias (label/estimate.py).
        pool = rng.sample(open_items, min(self.info.pool_size if self.info.selection == "active" else size,
                                          len(open_items)))
        verdicts = self.verdicts(self.judge(pool, prompt, reviewed))
        if len(pool) <= size:
            inclusion = [1.0] * len(pool)
            chosen = list(range(len(pool)))
        else:
            inclusion = list(inclusion_probabilities([verdicts[i.item_id].uncertainty for i in pool], size))
            chosen = systematic_sample(inclusion, rng)
        self.library.save_pool(self.id, round_, [
            PoolEntry(item.item_id, self.judge_score(verdicts[item.item_id]), chance, len(open_items))
            for item, chance in zip(pool, inclusion)])
        chosen_ids = sorted((pool[i].item_id for i in chosen), key=lambda i: (-verdicts[i].uncertainty, i))
        return self._entries(round_, stored.version, chosen_ids, verdicts)

    def _save_batch(self, round_: int, version: int, items: Sequence[Item], prompt: CriteriaPrompt,
                    reviewed: Sequence[tuple[str, Label]]) -> list[BatchEntry]:
        """A batch chosen by the guarantee (the items below its threshold): no pool, so it calibrates nothing
        and the estimates leave it out."""
        verdicts = self.verdicts(self.judge(items, prompt, reviewed))
        return self._entries(round_, version, [i.item_id for i in items], verdicts)

    def _entries(self, round_: int, version: int, item_ids: Sequence[str],
                 verdicts: Mapping[str, ItemVerdict]) -> list[BatchEntry]:
        entries = [BatchEntry(round_, position, item_id, version, verdicts[item_id].label,
                              verdicts[item_id].prob, verdicts[item_id].reason, verdicts[item_id].uncertainty)
                   for position, item_id in enumerate(item_ids)]
        self.library.save_batch(self.id, round_, entries)
        return entries

    def judge_score(self, verdict: ItemVerdict) -> float | None:
        """The judge's value for an item, as the estimates use it: for Yes/No its probability of Yes when it
        has one (more informative than the bare label), else the label's score; None without a verdict."""
        if verdict.label is None:
            return None
        score = self.kind.score(verdict.label)
        if self.kind.name == "binary" and verdict.prob is not None and score is not None:
            return verdict.prob if score == 1 else 1 - verdict.prob
        return score

    def rounds(self) -> int:
        batch = self.library.batch(self.id)
        return batch[0].round if batch else 0

    def current_batch(self) -> list[BatchEntry]:
        """The latest round's batch if it still waits for review, else []."""
        batch = self.library.batch(self.id)
        reviewed = {r.item_id for r in self.library.reviews(self.id) if batch and r.round == batch[0].round}
        return [] if batch and reviewed >= {e.item_id for e in batch} else batch

    def change_prompt(self, template: str, system: str | None = None) -> list[BatchEntry]:
        """A new prompt version; the open batch is labeled again with it (same items)."""
        old, _ = self.prompt()
        candidate = CriteriaPrompt(name=old.name, kind=self.kind.name, template=template,
                                   system=old.system if system is None else system)
        check_prompt_fits(self.library, self.info.dataset_id, candidate, self.kind)
        stored = self.library.add_prompt_version(self.id, PromptVersion(0, old.name, candidate.template,
                                                                         candidate.system))
        batch = self.current_batch()
        if not batch:
            return []
        verdicts = self.verdicts(self.judge([self.item(e.item_id) for e in batch], candidate, self.reviewed()))
        entries = [BatchEntry(e.round, e.position, e.item_id, stored.version, verdicts[e.item_id].label,
                              verdicts[e.item_id].prob, verdicts[e.item_id].reason, verdicts[e.item_id].uncertainty)
                   for e in batch]
        self.library.save_batch(self.id, batch[0].round, entries)
        return entries

    def submit_reviews(self, decisions: Mapping[str, Any]) -> int:
        """The person's labels for the open batch (item_id -> label); items left out keep the judge's label
        as accepted. Returns how many labels the person changed."""
        batch = self.current_batch()
        if not batch:
            raise LibraryError("there is no open review batch; start one with next_batch()")
        by_id = {e.item_id: e for e in batch}
        unknown = [i for i in decisions if i not in by_id]
        if unknown:
            raise LibraryError(f"item {unknown[0]!r} is not in the open batch (round {batch[0].round})")
        final: dict[str, tuple[Label, Label | None]] = {}
        for entry in batch:
            label = check_label(decisions.get(entry.item_id, entry.judge_label), self.kind,
                                f"item {entry.position + 1} of round {entry.round} ({entry.item_id})")
            final[entry.item_id] = (label, entry.judge_label)
        self.library.save_reviews(self.id, batch[0].round, batch[0].prompt_version, final)
        return sum(label != judge for label, judge in final.values())


def check_label(value: Any, kind: TaskKind, item: str) -> Label:
    """A person's label: one the judge could also give (a class, or a whole point of the scale)."""
    allowed = list(kind.labels() or kind.choices().values())
    if value is None:
        raise LibraryError(f"{item}: the judge gave no verdict; choose a label ({', '.join(map(str, allowed))}) "
                           "before submitting")
    try:
        label = kind.label(value)
    except LabelError:
        label = None
    if label not in allowed:
        raise LibraryError(f"{item}: label {value!r} is not one of {allowed}")
    return label


def item_verdicts(judgments: Sequence[Judgment], kind: TaskKind, primary: str) -> dict[str, ItemVerdict]:
    """Per item: the primary judge's majority label over samples, its probability, its reason, and the
    uncertainty from probabilities, samples and the other judges (see select.py)."""
    by_item: dict[str, list[Judgment]] = {}
    for j in judgments:
        by_item.setdefault(j.item_id, []).append(j)
    out = {}
    for item_id, group in by_item.items():
        mine = sorted((j for j in group if j.judge_id == primary), key=lambda j: j.sample)
        values = [j.value for j in mine if j.value is not None]
        label = Counter(values).most_common(1)[0][0] if values else None
        probs = [j.choice_probs for j in mine if j.choice_probs]
        mean_probs = {k: sum(p.get(k, 0.0) for p in probs) / len(probs) for k in probs[0]} if probs else None
        prob = mean_probs.get(str(label)) if mean_probs and label is not None else None
        first = next((j for j in mine if j.value == label), mine[0] if mine else None)
        reason = None
        if first is not None:
            reason = first.raw_text if first.error is None else f"error: {first.error}"
        others = [j.value for j in group if j.judge_id != primary and j.sample == 0]
        signals = [kind.uncertainty(mean_probs), disagreement(values),
                   disagreement([label, *others]) if others else None]
        if label is None:
            signals = [1.0]         # no verdict at all: a person should look
        out[item_id] = ItemVerdict(label, prob, reason, combined_uncertainty(signals))
    return out


def start_labeling(library: Library, dataset_ref: str, prompt: CriteriaPrompt,
                   judges: Sequence[JudgeSpec] | None = None, *, few_shot_k: int = DEFAULT_FEW_SHOT,
                   selection: str = "active", pool_size: int = DEFAULT_POOL, seed: int = 0,
                   batch_size: int = BATCH_SIZE, column_map: Mapping[str, str] | None = None,
                   guarantee: tuple[float, float] | None = None) -> tuple[Labeling, list[BatchEntry]]:
    """Create a labeling and label its first review batch. Bad prompts fail before any call.
    `column_map` changes the dataset version's map (placeholder -> column), which is remembered.
    `guarantee` (alpha, delta) goes with `selection="escalate"` (label/escalate.py)."""
    if not KINDS.get(prompt.kind).reviewable:
        raise ConfigError(f"labeling supports {[k for k in KINDS.names() if KINDS.get(k).reviewable]} criteria; "
                          f"{prompt.name!r} is {prompt.kind}")
    if selection not in SELECTIONS:
        raise ConfigError(f"selection must be one of {', '.join(SELECTIONS)}, got {selection!r}")
    if (selection == "escalate") != (guarantee is not None):
        raise ConfigError("escalate selection takes a guarantee (alpha, delta), and only it does")
    if guarantee is not None and not all(0 < v < 1 for v in guarantee):
        raise ConfigError(f"alpha and delta must be between 0 and 1, got {guarantee}")
    info = library.dataset(dataset_ref)
    kind = kind_from(prompt.kind)
    if column_map:
        library.set_column_map(info.dataset_id, column_map)
    check_prompt_fits(library, info.dataset_id, prompt, kind)
    judges = list(judges or judges_from(None))
    probe_judges(judges)
    created = library.create_labeling(info.dataset_id, kind, [j.to_dict() for j in judges],
                                      PromptVersion(1, prompt.name, prompt.template, prompt.system),
                                      few_shot_k=few_shot_k, selection=selection, pool_size=pool_size, seed=seed)
    if guarantee is not None:
        library.set_guarantee(created.labeling_id, *guarantee)
    labeling = Labeling(library, created.labeling_id)
    return labeling, (labeling.next_batch(batch_size) if batch_size else [])
