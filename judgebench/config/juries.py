"""The run's judge entries as judges and juries: a jury entry (`kind: jury`) names members and an aggregator.

    name: cheap_panel
    kind: jury
    members: [gpt4o_mini, claude_haiku, {name: my_vllm, model: openai/Qwen2.5-7B, api_base: ...}]
    aggregator: majority        # weighted | mean | median | borda | dawid_skene
    tie_break: first            # or fail
    min_members: 2
    early_stop: true            # ask the third member only where the first two disagree
    exclude_same_family: false

Every member is also a judge of the run (its calls go through the normal runner and cache, so a jury over
judges that already ran makes no call); a member named twice, by several juries or as a judge, is one judge.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from judgebench.config import ConfigError, _checked, _plain, judge_spec, load_group_entry
from judgebench.juries.aggregate import AGGREGATORS, TIE_BREAKS, fitting
from judgebench.juries.spec import JurySpec
from judgebench.judges.spec import JudgeSpec
from judgebench.kinds import TaskKind
from judgebench.registry import unknown_name

JURY_KEYS = {"name", "kind", "members", "aggregator", "tie_break", "min_members", "early_stop",
             "exclude_same_family", "description"}


def _entry(raw: Any, judge_dirs: tuple[str, ...]) -> dict[str, Any]:
    return load_group_entry("judge", raw, judge_dirs) if isinstance(raw, str) else dict(_plain(raw))


def jury_spec(data: Mapping[str, Any], kind: TaskKind, judge_dirs: tuple[str, ...] = ()) -> JurySpec:
    name = data.get("name") or "jury"
    where = f"jury {name!r}"
    _checked(where, data, JURY_KEYS)
    members_raw = data.get("members") or []
    if len(members_raw) < 2:
        raise ConfigError(f"{where}: a jury needs two or more members, got {len(members_raw)}")
    members = []
    for raw in members_raw:
        entry = _entry(raw, judge_dirs)
        if entry.get("kind") == "jury":
            raise ConfigError(f"{where}: member {entry.get('name')!r} is itself a jury; list its members instead")
        members.append(judge_spec(entry, judge_dirs))
    names = [m.name for m in members]
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}: members must be different judges, got {names}")
    aggregator_name = data.get("aggregator", "majority")
    if aggregator_name not in AGGREGATORS:
        raise ConfigError(f"{where}: {unknown_name('aggregator', aggregator_name, AGGREGATORS.names())}")
    aggregator = AGGREGATORS.get(aggregator_name)
    if not aggregator.fits(kind):
        raise ConfigError(f"{where}: aggregator {aggregator_name!r} needs {aggregator.needs}; a {kind.name} task "
                          f"takes {', '.join(fitting(kind))}")
    spec = JurySpec(name=name, members=tuple(members), aggregator=aggregator_name,
                    tie_break=data.get("tie_break", "first"), min_members=data.get("min_members", 1),
                    early_stop=bool(data.get("early_stop", False)),
                    exclude_same_family=bool(data.get("exclude_same_family", False)),
                    description=data.get("description", ""))
    if spec.tie_break not in TIE_BREAKS:
        raise ConfigError(f"{where}: tie_break must be one of {', '.join(TIE_BREAKS)}, got {spec.tie_break!r}")
    if isinstance(spec.min_members, bool) or not isinstance(spec.min_members, int) or \
            not 1 <= spec.min_members <= len(members):
        raise ConfigError(f"{where}: min_members must be a whole number from 1 to {len(members)} (its members), "
                          f"got {spec.min_members!r}")
    if spec.early_stop and not aggregator.early_stop:
        able = [n for n in fitting(kind) if AGGREGATORS.get(n).early_stop]
        raise ConfigError(f"{where}: aggregator {aggregator_name!r} needs every member's verdict, so it cannot stop "
                          f"early; early_stop works with {', '.join(able)}")
    return spec


def judges_and_juries(entries: Sequence[Any], kind: TaskKind, judge_dirs: tuple[str, ...] = ()) \
        -> tuple[tuple[JudgeSpec, ...], tuple[JurySpec, ...], tuple[str, ...]]:
    """The run's judges (the listed ones, then the juries' members not listed), its juries, and the names of
    the members that were not listed as judges."""
    judges: dict[str, JudgeSpec] = {}
    juries: list[JurySpec] = []
    for raw in entries:
        entry = _entry(raw, judge_dirs)
        if entry.get("kind") == "jury":
            juries.append(jury_spec(entry, kind, judge_dirs))
            continue
        spec = judge_spec(entry, judge_dirs)
        if spec.name in judges:
            raise ConfigError(f"judge names must be unique, got {spec.name!r} twice")
        judges[spec.name] = spec
    names = [j.name for j in juries]
    clash = sorted(set(names) & set(judges) | {n for n in names if names.count(n) > 1})
    if clash:
        raise ConfigError(f"judge and jury names must be unique, got {', '.join(clash)} twice")
    listed = set(judges)
    for jury in juries:
        for member in jury.members:
            known = judges.setdefault(member.name, member)
            if known != member:
                raise ConfigError(f"jury {jury.name!r}: member {member.name!r} differs from the judge of the same "
                                  "name elsewhere in the run; give one of them another name")
    return tuple(judges.values()), tuple(juries), tuple(n for n in judges if n not in listed)
