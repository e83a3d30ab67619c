"""Opening the built corpus: `diglot.load("sentences")`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

CONFIGS = ("documents", "sentences", "alignments", "translation", "gold")


def corpus_dir() -> Path:
    """Where the corpus lives: $DIGLOT_CORPUS, the copy inside the installed
    wheel, or corpus/ of the source checkout (editable installs)."""
    override = os.environ.get("DIGLOT_CORPUS")
    if override:
        return Path(override)
    packaged = Path(__file__).parent / "data" / "corpus"
    if (packaged / "README.md").is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "corpus"


def load(config: str = "sentences", *, backend: Literal["datasets", "polars"] = "datasets", path: str | os.PathLike | None = None):
    """Return one config of the corpus as a `datasets.Dataset` (default) or a
    `polars.DataFrame` (`backend="polars"`). Works offline."""
    root = Path(path) if path is not None else corpus_dir()
    files = sorted((root / config).glob("*.parquet"))
    if not files:
        known = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        raise FileNotFoundError(f"no Parquet files for config {config!r} under {root} (configs there: {known})")
    if backend == "polars":
        import polars as pl

        return pl.read_parquet(files)
    if backend != "datasets":
        raise ValueError(f"backend must be 'datasets' or 'polars', not {backend!r}")
    import datasets

    return datasets.load_dataset(str(root), config, split="train")
