"""The architecture issue's measures of the package's shape (run by hand; no model is called).

    python benchmarks/code_shape.py            # from the repository root

- kind branches: lines outside judgebench/kinds/ matching the issue's pattern
  (`TaskKind.BINARY|LIKERT|PAIRWISE` or `kind == "`), as `grep -rn` counts them;
- the largest modules and functions (lines, from the AST), and how many pass 400 / 60 lines.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "judgebench"
KIND_BRANCH = re.compile(r'TaskKind\.(BINARY|LIKERT|PAIRWISE)|kind == "')


def main() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    branches = [(path, n, line.strip()) for path in modules if "kinds" not in path.relative_to(PACKAGE).parts
                for n, line in enumerate(path.read_text().splitlines(), 1) if KIND_BRANCH.search(line)]
    print(f"kind branches outside judgebench/kinds/: {len(branches)}")
    for path, n, line in branches:
        print(f"  {path.relative_to(PACKAGE.parent)}:{n}: {line}")
    sizes = sorted(((len(p.read_text().splitlines()), p) for p in modules), reverse=True)
    functions = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.append((node.end_lineno - node.lineno + 1, f"{path.relative_to(PACKAGE.parent)}:{node.name}"))
    functions.sort(reverse=True)
    print(f"modules: {len(modules)}; over 400 lines: {sum(s > 400 for s, _ in sizes)}; largest:")
    for size, path in sizes[:3]:
        print(f"  {size:4d} {path.relative_to(PACKAGE.parent)}")
    print(f"functions: {len(functions)}; over 60 lines: {sum(s > 60 for s, _ in functions)}; largest:")
    for size, name in functions[:5]:
        print(f"  {size:4d} {name}")


if __name__ == "__main__":
    main()
