"""judgebench: can I trust this LLM judge?

The few names a user imports; everything else lives in the subpackages.

    from judgebench import load_dataset, named_dataset, run_config, execute
    config = run_config({"dataset": load_group_entry("dataset", "demo_binary"), "judges": ["local_smollm2"]})
    summary = execute(config)

    from judgebench import AutoEval, BuiltinCriteria         # LLM Judge++: label your own data
    client = AutoEval()
    dataset_id = client.add_dataset("data.csv", name="support")
    job_id = client.label_dataset(dataset_id=dataset_id, prompt_template=BuiltinCriteria.FAITHFULNESS)
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "AutoEval": "judgebench.label.api",
    "BuiltinCriteria": "judgebench.label.api",
    "BuiltinMetrics": "judgebench.label.api",
    "CriteriaPrompt": "judgebench.judges.prompts",
    "DatasetSpec": "judgebench.data.schema",
    "Item": "judgebench.data.schema",
    "JudgeSpec": "judgebench.judges.spec",
    "Judgment": "judgebench.run.records",
    "TaskKind": "judgebench.kinds",
    "kind_from": "judgebench.kinds",
    "execute": "judgebench.run.job",
    "load_dataset": "judgebench.data.load",
    "load_group_entry": "judgebench.config",
    "named_dataset": "judgebench.config",
    "run_config": "judgebench.config",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    # Imported on first use: `import judgebench` stays cheap for the CLI.
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'judgebench' has no attribute {name!r}")
