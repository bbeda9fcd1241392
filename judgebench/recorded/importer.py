"""Recorded verdicts -> a run folder with the same schema as `judgebench run` writes.

The folder is written whole into a temporary sibling and then swapped in, so importing again gives the
same folder (idempotent) and an import that fails leaves the old one as it was."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Sequence

from judgebench.data.schema import Dataset
from judgebench.errors import UserError
from judgebench.judges.spec import JudgeSpec
from judgebench.recorded.read import RecordedJudge, read_recorded
from judgebench.recorded.spec import RecordedSet
from judgebench.run.records import Judgment
from judgebench.run.store import RunStore, provenance
from judgebench.run.summary import summarize_judge

PROMPT = "recorded"       # the prompt id of imported judgments: the judge's own prompt, not one of ours
MODEL_PREFIX = "recorded/"


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def fingerprint(spec: RecordedSet) -> str:
    """The import's identity: the set's definition and the bytes of its file."""
    return _digest(repr(spec), hashlib.sha256(Path(spec.file).read_bytes()).hexdigest())[:16]


def judgments(spec: RecordedSet, judges: Sequence[RecordedJudge], run_id: str, prompt_hash: str) -> list[Judgment]:
    return [Judgment(run_id=run_id, key=_digest(spec.name, judge.name, v.item_id, v.order)[:32], item_id=v.item_id,
                     judge_id=judge.name, prompt_id=PROMPT, prompt_hash=prompt_hash, order=v.order, sample=0,
                     value=v.value, prob=v.prob, choice_probs=None, raw_text=None if v.raw is None else str(v.raw),
                     parse_error=v.failure, prompt_tokens=None, completion_tokens=None, cost_usd=None,
                     latency_s=None, cached=False, error=None)
            for judge in judges for v in judge.verdicts]


def judge_entry(spec: RecordedSet, judge: RecordedJudge) -> dict:
    """The judge spec as a run's manifest holds it, marked as recorded with where it comes from."""
    described = ", ".join(f"{k} {v}" for k, v in judge.columns.items())
    entry = JudgeSpec(name=judge.name, model=MODEL_PREFIX + judge.name, both_orders=spec.second_column is not None,
                      family=spec.families.get(judge.name), description=f"recorded verdicts ({described})" if described else "recorded verdicts").to_dict()
    return entry | {"recorded": {"file": spec.file, "columns": dict(judge.columns), **spec.provenance.to_dict()}}


def import_set(spec: RecordedSet, dataset: Dataset, results: str | Path) -> Path:
    """Write results/<spec.name>/ from the recorded verdicts; every row is checked before anything is written."""
    judges = read_recorded(spec, dataset)
    target = Path(results) / spec.name
    if (target / "manifest.json").exists() and "recorded" not in json.loads((target / "manifest.json").read_text()):
        raise UserError(f"{target} holds a run of judgebench, not imported verdicts; import under another name")
    stamp = fingerprint(spec)
    rows = judgments(spec, judges, spec.name, stamp)
    manifest = {"run_id": spec.name, "fingerprint": stamp,
                "dataset": {"name": spec.board, "kind": dataset.kind.name, "items": len(dataset),
                            "description": dataset.spec.description, "config": spec.dataset},
                "judges": [judge_entry(spec, j) for j in judges],
                "prompt": {"name": PROMPT, "hash": stamp, "kind": dataset.kind.name, "system": None, "template": None},
                "recorded": {"file": spec.file, "metrics": list(spec.metrics), **spec.provenance.to_dict()},
                "planned_judgments": len(rows), "config": {"dataset": dataset.kind.to_dict()}, **provenance()}
    staging = target.with_name(f".{spec.name}.importing")
    shutil.rmtree(staging, ignore_errors=True)
    store = RunStore(staging)
    store.open(manifest, dataset.items)
    for judgment in rows:
        store.append(judgment)
    by_judge = {j.name: [r for r in rows if r.judge_id == j.name] for j in judges}
    store.finish({"run_id": spec.name, "complete": True, "imported": True,
                  "judges": {name: summarize_judge(js) for name, js in by_judge.items()}})
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target
