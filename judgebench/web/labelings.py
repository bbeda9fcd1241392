"""The web API's LLM Judge++ loop: the form's choices, start a labeling, its state, change the prompt,
submit reviews, the next batch."""

from __future__ import annotations

from typing import Any, Sequence

from fastapi import APIRouter, Body, Request

from judgebench.config import ConfigError, group_names, judge_spec
from judgebench.data.column_map import question_and_answer
from judgebench.kinds import KINDS
from judgebench.label.agreement import describe_agreement
from judgebench.label.estimate import review_estimate
from judgebench.label.library import Library
from judgebench.label.workflow import Labeling, builtin_criteria, criteria, judges_from, start_labeling
from judgebench.run.progress import MeterBoard
from judgebench.run.session import judge_unusable
from judgebench.web.progress import tracked


def labelings_router(library: Library, judge_dirs: Sequence[str], meters: MeterBoard) -> APIRouter:
    router = APIRouter(prefix="/api")

    @router.get("/options")
    def options():
        return form_options(judge_dirs)

    @router.get("/labelings")
    def labelings():
        return [_labeling_summary(library, info.labeling_id) for info in library.labelings()]

    @router.post("/labelings")
    def start(request: Request, body: dict[str, Any] = Body(...)):
        prompt = criteria(body.get("criteria") or body.get("metric") or None, template=body.get("template") or None,
                          system=body.get("system") or "", kind=body.get("kind") or None)
        names = body.get("judges") or body.get("judge") or None
        names = [names] if isinstance(names, str) else names
        if names is not None and not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
            # Inline specs could send a server-side API key to any api_base: names of configured judges only.
            raise ConfigError("choose judges by name (conf/judge or --judge-dir)")
        with tracked(meters, request, "labeling candidates"):
            labeling, _ = start_labeling(library, body["dataset_id"], prompt, judges_from(names, judge_dirs),
                                         selection=body.get("selection") or "active",
                                         few_shot_k=int(body.get("few_shot_k", 4)),
                                         batch_size=int(body.get("batch_size", 16)),
                                         column_map=dict(body.get("column_map") or {}))
        return _labeling_state(labeling)

    @router.delete("/labelings/{labeling_id}")
    def remove(labeling_id: str):
        library.remove_labeling(labeling_id)
        return {"removed": labeling_id}

    @router.get("/labelings/{labeling_id}")
    def labeling_state(labeling_id: str):
        return _labeling_state(Labeling(library, labeling_id))

    @router.post("/labelings/{labeling_id}/prompt")
    def change_prompt(labeling_id: str, request: Request, body: dict[str, Any] = Body(...)):
        labeling = Labeling(library, labeling_id)
        with tracked(meters, request, "relabeling the batch"):
            labeling.change_prompt(str(body.get("template") or ""), body.get("system"))
        return _labeling_state(labeling)

    @router.post("/labelings/{labeling_id}/reviews")
    def submit_reviews(labeling_id: str, body: dict[str, Any] = Body(...)):
        labeling = Labeling(library, labeling_id)
        changed = labeling.submit_reviews(dict(body.get("labels") or {}))
        return {"changed": changed, **_labeling_state(labeling)}

    @router.post("/labelings/{labeling_id}/next")
    def next_batch(labeling_id: str, request: Request):
        labeling = Labeling(library, labeling_id)
        with tracked(meters, request, "labeling candidates"):
            labeling.next_batch()
        return _labeling_state(labeling)

    return router


def form_options(judge_dirs: Sequence[str]) -> dict[str, Any]:
    """What the start form offers: the built-in criteria, the judges (greyed out with why when they cannot
    work here) and the label kinds a custom prompt can ask for."""
    metrics = [{"name": name, "description": description, "kind": prompt.kind, "template": prompt.template,
                "placeholders": list(prompt.placeholders)}
               for name, description in builtin_criteria().items() for prompt in [criteria(name)]]
    judges = []
    for name in group_names("judge", judge_dirs):
        try:
            reason = judge_unusable(judge_spec(name, tuple(judge_dirs)), route=False)
        except ConfigError as exc:
            reason = str(exc)
        judges.append({"name": name, "usable": reason is None, "why": reason})
    kinds = [k for k in KINDS.names() if KINDS.get(k).reviewable]
    return {"metrics": metrics, "judges": judges, "kinds": kinds}


def _labeling_summary(library: Library, labeling_id: str) -> dict[str, Any]:
    info = library.labeling(labeling_id)
    dataset = library.dataset(info.dataset_id)
    stored = library.prompt_version(labeling_id)
    return {"labeling_id": labeling_id, "dataset_id": info.dataset_id, "dataset": f"{dataset.name}@{dataset.version}",
            "kind": info.kind.name, "judge": info.judges[0]["name"], "prompt": stored.name,
            "prompt_version": stored.version, "reviewed": len(library.reviews(labeling_id)),
            "selection": info.selection}


def _labeling_state(labeling: Labeling) -> dict[str, Any]:
    library = labeling.library
    stored, _ = labeling.prompt()
    batch = labeling.current_batch()
    dataset = library.dataset(labeling.info.dataset_id)
    return {
        **_labeling_summary(library, labeling.id),
        "template": stored.template, "system": stored.system, "n_items": len(labeling.items),
        "shown_columns": list(question_and_answer(dataset.columns, dataset.column_map)),
        "batch": [{"item_id": e.item_id, "round": e.round, "position": e.position,
                   "fields": dict(labeling.item(e.item_id).fields), "judge_label": e.judge_label,
                   "judge_prob": e.judge_prob, "reason": e.reason, "uncertainty": e.uncertainty,
                   "prompt_version": e.prompt_version} for e in batch],
        "jobs": [j.to_dict() for j in library.jobs(labeling.info.dataset_id) if j.labeling_id == labeling.id],
        "agreement": describe_agreement(library.reviews(labeling.id)),
        "estimate": review_estimate(library, labeling.id).describe(labeling.kind.estimand),
    }
