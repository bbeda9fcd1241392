"""Leaderboard plots: each function takes leaderboard data and returns a matplotlib Figure."""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def _nan(value):
    return np.nan if value is None else value


def ci_bars(board: dict[str, Any], metric: str) -> Figure:
    """The main metric with its bootstrap interval per judge, the human ceiling as a dashed line."""
    names = sorted(board["judges"], key=lambda n: -_nan(board["judges"][n]["metrics"].get(metric, {}).get("estimate")))
    values = [board["judges"][n]["metrics"].get(metric, {}) for n in names]
    estimate = np.array([_nan(v.get("estimate")) for v in values], dtype=float)
    low = np.array([_nan(v.get("low")) for v in values], dtype=float)
    high = np.array([_nan(v.get("high")) for v in values], dtype=float)
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(names) + 1.5))
    ax.barh(names, estimate, xerr=[np.nan_to_num(estimate - low), np.nan_to_num(high - estimate)], capsize=4,
            color="#4C72B0")
    ceiling = board["humans"]["metrics"].get(metric)
    if ceiling is not None and np.isfinite(ceiling):
        ax.axvline(ceiling, color="#C44E52", linestyle="--", label="human ceiling")
        ax.legend(loc="lower right")
    ax.invert_yaxis()
    ax.set_xlabel(f"{metric} (95% bootstrap interval)")
    fig.tight_layout()
    return fig


def agreement_heatmap(board: dict[str, Any]) -> Figure:
    names = board["agreement_matrix"]["judges"]
    values = np.array([[_nan(v) for v in row] for row in board["agreement_matrix"]["values"]], dtype=float)
    fig, ax = plt.subplots(figsize=(1.2 * len(names) + 2.5, 1.0 * len(names) + 2))
    image = ax.imshow(values, vmin=0, vmax=1, cmap="viridis")
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names)
    for (i, j), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", color="white" if value < 0.6 else "black")
    fig.colorbar(image, ax=ax, label="share of items with the same verdict")
    fig.tight_layout()
    return fig


def confusion_matrices(board: dict[str, Any]) -> Figure:
    names = [n for n in sorted(board["judges"]) if board["judges"][n]["confusion"]]
    fig, axes = plt.subplots(1, max(1, len(names)), figsize=(3.4 * max(1, len(names)), 3.4), squeeze=False)
    for ax, name in zip(axes[0], names):
        confusion = board["judges"][name]["confusion"]
        matrix = np.array(confusion["matrix"])
        ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(confusion["labels"])), confusion["labels"], rotation=30)
        ax.set_yticks(range(len(confusion["labels"])), confusion["labels"])
        for (i, j), value in np.ndenumerate(matrix):
            ax.text(j, i, str(value), ha="center", va="center")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("judge")
        ax.set_ylabel("humans")
    fig.tight_layout()
    return fig


def has_costs(board: dict[str, Any]) -> bool:
    """Whether any judge of the board has a known price (a local judge's $0 counts)."""
    return any(j.get("cost_per_1k_usd") is not None for j in board["judges"].values())


def cost_pareto(board: dict[str, Any], metric: str) -> Figure:
    """Cost per 1k judgments against agreement; the Pareto front joins the judges nothing beats on both."""
    points = [(n, j["cost_per_1k_usd"], j["metrics"].get(metric, {}).get("estimate"))
              for n, j in board["judges"].items()]
    points = [(n, c, a) for n, c, a in points if c is not None and a is not None and np.isfinite(a)]
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, cost, value in points:
        ax.scatter(cost, value, color="#4C72B0")
        ax.annotate(name, (cost, value), fontsize=8, xytext=(4, 4), textcoords="offset points")
    front, best = [], -np.inf
    for name, cost, value in sorted(points, key=lambda p: (p[1], -p[2])):
        if value > best:
            front.append((cost, value))
            best = value
    if front:
        ax.plot(*zip(*front), color="#C44E52", label="Pareto front")
        ax.legend()
    else:
        ax.text(0.5, 0.5, "no judge with a known price", ha="center", transform=ax.transAxes)
    ax.set_xlabel("cost per 1k judgments (USD)")
    ax.set_ylabel(metric)
    fig.tight_layout()
    return fig


def reliability_diagrams(board: dict[str, Any]) -> Figure:
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfectly calibrated")
    for name, judge in sorted(board["judges"].items()):
        reliability = judge["bias"].get("reliability")
        if reliability:
            ax.plot(reliability["confidence"], reliability["accuracy"], marker="o",
                    label=f"{name} (ECE {judge['bias']['ece']:.3f})")
    if not any(j["bias"].get("reliability") for j in board["judges"].values()):
        ax.text(0.5, 0.5, "no verdict probabilities (logprobs) in these runs", ha="center", transform=ax.transAxes)
    ax.set_xlabel("confidence in the verdict")
    ax.set_ylabel("share the humans agree with")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


BIAS_FIELDS = (("position_flip_rate", "flip rate when A/B swapped"), ("first_position_wins", "P(first shown wins)"),
               ("longer_wins", "P(longer wins)"), ("own_family_wins", "P(own family wins)"),
               ("ece", "expected calibration error"), ("prompt_spread", "agreement spread across prompts"))


def bias_chart(board: dict[str, Any]) -> Figure:
    names = sorted(board["judges"])
    fields = [(key, label) for key, label in BIAS_FIELDS
              if any(board["judges"][n]["bias"].get(key) is not None for n in names)]
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(names) * max(1, len(fields)) / 2 + 2))
    height = 0.8 / max(1, len(fields))
    for k, (key, label) in enumerate(fields):
        values = [_nan(board["judges"][n]["bias"].get(key)) for n in names]
        ax.barh(np.arange(len(names)) + k * height, values, height=height, label=label)
    humans = [board["judges"][n]["bias"].get("longer_wins_humans") for n in names]
    if any(h is not None for h in humans):
        ax.axvline(next(h for h in humans if h is not None), color="black", linestyle="--",
                   label="P(longer wins), humans")
    ax.set_yticks(np.arange(len(names)) + 0.4 - height / 2, names)
    ax.set_xlim(0, 1)
    if fields:
        ax.legend(fontsize=8, loc="lower right")
    else:
        ax.text(0.5, 0.5, "no bias probe applies to this dataset", ha="center", transform=ax.transAxes)
    fig.tight_layout()
    return fig


def systems_scatter(board: dict[str, Any]) -> Figure:
    """Each judge's score for each system against the humans' score; on the diagonal the judge is unbiased."""
    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    for name, entry in sorted(board["systems"].items()):
        rows = [r for r in entry["rows"] if r["humans"] is not None]
        ax.scatter([r["humans"] for r in rows], [r["judge"] for r in rows], label=name)
        for r in rows:
            ax.annotate(r["system"], (r["humans"], r["judge"]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    values = [v for e in board["systems"].values() for r in e["rows"] for v in (r["judge"], r["humans"])
              if v is not None]
    low, high = min(values, default=0.0), max(values, default=1.0)
    ax.plot([low, high], [low, high], color="grey", linestyle=":", label="judge = humans")
    ax.set_xlabel("humans' score per system")
    ax.set_ylabel("judge's score per system")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
