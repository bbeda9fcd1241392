"""How far a judging pass has come: a count, a bar and the time left, in the terminal and in the page.

The runner advances a `Meter` as judgments finish. Code that starts a pass far from the runner (a web
request that labels a review batch, the terminal review relabeling a batch) hands its meter down with
`reporting_to(meter)` instead of passing it through every layer; a page polls the meter's `snapshot()`.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from typing import Any, Iterator

from tqdm import tqdm

_CURRENT: contextvars.ContextVar["Meter | None"] = contextvars.ContextVar("judgebench_meter", default=None)


def eta_seconds(done: int, total: int, elapsed_s: float, already: int = 0) -> float | None:
    """Time left at the pace so far; None before the first judgment of this pass (`already` were done
    before it started: a resumed job's or cached ones do not say how fast the model is)."""
    made = done - already
    if made <= 0 or elapsed_s <= 0:
        return None
    return max(0.0, (total - done) * elapsed_s / made)


def describe_progress(done: int, total: int, eta_s: float | None, unit: str = "judged") -> str:
    """`12/30 judged (40%) · about 9 s left`."""
    share = f" ({100 * done / total:.0f}%)" if total else ""
    left = "" if eta_s is None or done >= total else f" · about {format_duration(eta_s)} left"
    return f"{done}/{total} {unit}{share}{left}"


def format_duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 5400:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class Meter:
    """Judgments done out of planned, since `begin`; optionally drawn as a tqdm bar on stderr."""

    def __init__(self, label: str = "judging", terminal: bool = False):
        self.label, self.terminal = label, terminal
        self.total = self.done = self.already = 0
        self.started = time.monotonic()
        self.finished = False
        self._bar: tqdm | None = None
        self._lock = threading.Lock()

    def begin(self, total: int, already: int = 0) -> None:
        """A pass over `total` judgments of which `already` are done. A second pass (one judge after
        another, a relabel after the first batch) adds to the same meter."""
        with self._lock:
            self.total += total
            self.done += already
            self.already += already
            if self.terminal and self._bar is None:
                self._bar = tqdm(total=self.total, initial=self.done, desc=self.label, unit="judgment",
                                 mininterval=0.5, dynamic_ncols=True)
            elif self._bar is not None:
                self._bar.total = self.total
                self._bar.update(already)

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done += n
            if self._bar is not None:
                self._bar.update(n)

    def close(self) -> None:
        with self._lock:
            self.finished = True
            if self._bar is not None:
                self._bar.close()
                self._bar = None

    @property
    def eta_s(self) -> float | None:
        return eta_seconds(self.done, self.total, time.monotonic() - self.started, self.already)

    def snapshot(self) -> dict[str, Any]:
        elapsed = time.monotonic() - self.started
        eta = self.eta_s
        return {"label": self.label, "done": self.done, "total": self.total, "elapsed_s": round(elapsed, 2),
                "eta_s": None if eta is None else round(eta, 1), "finished": self.finished,
                "text": f"{self.label}: {describe_progress(self.done, self.total, eta)}"}


def current_meter() -> Meter | None:
    return _CURRENT.get()


@contextmanager
def reporting_to(meter: Meter | None) -> Iterator[Meter | None]:
    """Judging passes started inside report to `meter` (None: as if there were none)."""
    token = _CURRENT.set(meter)
    try:
        yield meter
    finally:
        _CURRENT.reset(token)
        if meter is not None:
            meter.close()


class MeterBoard:
    """The meters of operations a page is waiting for, by the id the page chose; the latest few hundred."""

    def __init__(self, keep: int = 256):
        self._meters: OrderedDict[str, Meter] = OrderedDict()
        self._keep = keep
        self._lock = threading.Lock()

    def open(self, operation: str | None, label: str) -> Meter | None:
        if not operation:
            return None
        meter = Meter(label)
        with self._lock:
            self._meters[operation[:64]] = meter
            while len(self._meters) > self._keep:
                self._meters.popitem(last=False)
        return meter

    def snapshot(self, operation: str) -> dict[str, Any] | None:
        with self._lock:
            meter = self._meters.get(operation)
        return None if meter is None else meter.snapshot()
