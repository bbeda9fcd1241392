"""`judgebench list`: the datasets, judges and prompts that ship."""

from __future__ import annotations



def main(argv: list[str]) -> int:
    from judgebench.config import group_names, load_group_entry

    for group in ("dataset", "judge", "prompt"):
        print(f"{group}s:")
        for name in group_names(group):
            entry = load_group_entry(group, name)
            description = " ".join(str(entry.get("description", "")).split())
            print(f"  {name:<22} {description[:90]}")
    return 0
