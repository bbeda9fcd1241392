"""Binary agreement metrics at scale (run by hand).

    python benchmarks/metrics_scale.py [--items 1000000] [--judges 10] [--resamples 1000]

For each judge: confusion matrix, accuracy, balanced accuracy, precision / recall / F1
(positive class and macro), MCC and Cohen's kappa, each with a percentile bootstrap CI.
Target on a 2-core machine: < 2 s per judge for 1,000,000 items and 1000 resamples.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from judgebench.metrics.agreement import confusion_matrix
from judgebench.kinds import BINARY
from judgebench.metrics.catalog import confusion_intervals, metrics_for


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--judges", type=int, default=10)
    parser.add_argument("--resamples", type=int, default=1000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    human = (rng.random(args.items) < 0.35).astype(np.int8)
    times = []
    for j in range(args.judges):
        flip = rng.random(args.items) < 0.05 + 0.03 * j
        judge = np.where(flip, 1 - human, human).astype(np.int8)
        started = time.perf_counter()
        intervals = confusion_intervals(BINARY, human, judge, resamples=args.resamples, seed=j)
        matrix = np.bincount(human.astype(np.int64) * 2 + judge, minlength=4).reshape(2, 2)
        times.append(time.perf_counter() - started)
        line = " ".join(f"{name}={intervals[name].estimate:.3f}[{intervals[name].low:.3f},"
                        f"{intervals[name].high:.3f}]" for name in ("accuracy", "kappa", "macro_f1"))
        print(f"judge {j}: {times[-1]:.3f} s  {line}  confusion={matrix.tolist()}")
    assert set(intervals) == {m.name for m in metrics_for(BINARY) if m.interval == "confusion"}
    # The general (label-agnostic) confusion matrix on the same data, for scale.
    started = time.perf_counter()
    confusion_matrix(human[:100_000], judge[:100_000])
    print(f"{args.items} items x {args.judges} judges, {args.resamples} resamples: "
          f"max {max(times):.3f} s, mean {np.mean(times):.3f} s per judge "
          f"(general confusion_matrix on 100k object labels: {time.perf_counter() - started:.3f} s)")


if __name__ == "__main__":
    main()
