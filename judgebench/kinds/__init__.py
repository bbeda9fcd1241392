"""Task kinds: each kind's rules in one module, found by name in one registry.

A new kind is one module implementing `TaskKind` (see `base.py`), registered here.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from judgebench.kinds.base import Label, LabelError, ParseFailure, TaskKind, Verdict, majority
from judgebench.kinds.binary import Binary
from judgebench.kinds.categorical import Categorical
from judgebench.kinds.likert import Likert
from judgebench.kinds.pairwise import Pairwise, combine_orders
from judgebench.registry import Registry

KINDS: Registry[type[TaskKind]] = Registry("task kind")
for _kind in (Binary, Likert, Pairwise, Categorical):
    KINDS.add(_kind.name, _kind)

BINARY, LIKERT, PAIRWISE = Binary(), Likert(), Pairwise()


def kind_from(data: str | Mapping[str, Any] | TaskKind, **params: Any) -> TaskKind:
    """A kind from its name and parameters (`scale` for likert, `classes` for categorical), or from the
    dict `TaskKind.to_dict()` wrote. Parameters a kind does not take are ignored, so a whole dataset
    config's `scale` does not trouble a binary kind; LookupError / ValueError say what is wrong."""
    if isinstance(data, TaskKind):
        return data
    if isinstance(data, Mapping):
        params = {k: v for k, v in data.items() if k != "name"} | params
        data = data.get("name", "")
    cls = KINDS.get(str(data))
    accepted = {f.name for f in dataclasses.fields(cls)}
    given = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()
             if k in accepted and v is not None}
    return cls(**given)


__all__ = ["BINARY", "Binary", "Categorical", "KINDS", "LIKERT", "Label", "LabelError", "Likert", "PAIRWISE",
           "Pairwise", "ParseFailure", "TaskKind", "Verdict", "combine_orders", "kind_from", "majority"]
