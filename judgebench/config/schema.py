"""The Hydra schema of a run's configuration: unknown keys are errors, MISSING marks required fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from omegaconf import MISSING


@dataclass
class DatasetConf:
    name: str = MISSING
    kind: str = MISSING
    columns: Dict[str, Any] = MISSING
    label: Optional[Dict[str, Any]] = None
    description: str = ""
    path: Any = None
    hf: Optional[str] = None
    hf_split: str = "train"
    hf_config: Optional[str] = None
    format: Optional[str] = None
    id_column: Any = None
    id_fields: List[str] = field(default_factory=list)
    where: Dict[str, Any] = field(default_factory=dict)
    scale: List[float] = field(default_factory=lambda: [1, 5])
    classes: List[str] = field(default_factory=list)
    default_prompt: Optional[str] = None
    limit: Optional[int] = None
    on_duplicate: str = "error"


@dataclass
class PromptConf:
    name: str = MISSING
    kind: str = MISSING
    template: str = MISSING
    system: str = ""
    description: str = ""


@dataclass
class FewShotConf:
    k: int = 0
    seed: int = 0


@dataclass
class RayConf:
    address: Optional[str] = None
    workers: int = 2
    concurrency: int = 32
    cpus_per_worker: float = 0.5
    gpus_per_worker: float = 0.0


@dataclass
class RootConf:
    dataset: DatasetConf = MISSING
    prompt: Optional[PromptConf] = None
    judges: List[Any] = field(default_factory=list)
    judge_dirs: List[str] = field(default_factory=list)
    prompt_dirs: List[str] = field(default_factory=list)
    data_root: str = MISSING
    few_shot: FewShotConf = field(default_factory=FewShotConf)
    results_dir: str = "results"
    cache_path: str = MISSING
    run_id: str = MISSING
    dry_run: bool = False
    progress: bool = True
    workers: Any = "auto"
    executor: str = "local"
    ray: RayConf = field(default_factory=RayConf)
