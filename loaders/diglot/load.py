"""Opening the built corpus: `diglot.load("sentences")`, checked against SHA256SUMS.

Which corpus: one rule for the Python API and every command (`find_corpus`):

1. the folder given (`path=` / `--corpus`), else `$DIGLOT_CORPUS`;
2. else `corpus/` of the diglot checkout the current directory is in (a
   folder holding `seeds/manifest.toml` and a pyproject.toml naming diglot);
3. else the copy packaged with diglot (for an editable install, the
   corpus/ of the checkout it was installed from).
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from diglot import layout
from diglot.errors import CorpusError

log = logging.getLogger("diglot")
ENV = "DIGLOT_CORPUS"


@dataclass(frozen=True)
class Located:
    path: Path
    how: str  # why this corpus: "--corpus", "$DIGLOT_CORPUS", "checkout", "packaged"

    def describe(self) -> str:
        return f"corpus {self.path} ({self.how})"


def checkout_root(start: Path | None = None) -> Path | None:
    """The diglot checkout holding `start` (default: the current directory), if any."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pyproject = folder / "pyproject.toml"
        if (folder / "seeds" / "manifest.toml").is_file() and pyproject.is_file():
            try:
                name = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("name")
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            if name == "diglot":
                return folder
    return None


def packaged_corpus() -> Path:
    """The copy inside the installed wheel, or corpus/ of the checkout of an editable install."""
    packaged = Path(__file__).parent / "data" / "corpus"
    if (packaged / layout.CARD).is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "corpus"


def find_corpus(path: str | os.PathLike | None = None) -> Located:
    if path is not None:
        return Located(Path(path), "--corpus")
    if os.environ.get(ENV):
        return Located(Path(os.environ[ENV]), f"${ENV}")
    checkout = checkout_root()
    if checkout is not None:
        return Located(checkout / "corpus", f"the checkout at {checkout}")
    return Located(packaged_corpus(), "the copy packaged with diglot")


def corpus_dir() -> Path:
    """The corpus `diglot.load()` reads when given no path (see `find_corpus`)."""
    return find_corpus().path


def config_files(root: Path, config: str) -> list[str]:
    """The Parquet files of one config, relative to `root`."""
    files = sorted(p.relative_to(root).as_posix() for p in (root / config).glob("*.parquet"))
    if not files:
        known = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        raise CorpusError(f"{root}: no Parquet files for config {config!r} (configs there: {known})")
    return files


def _expected_rows(root: Path, config: str) -> int | None:
    """The row count the card's dataset_info records for `config` (the card is checksummed)."""
    from huggingface_hub import DatasetCard

    if not (root / layout.CARD).is_file():
        return None
    for info in DatasetCard.load(root / layout.CARD).data.to_dict().get("dataset_info") or []:
        if isinstance(info, dict) and info.get("config_name") == config:
            return sum(split.get("num_examples", 0) for split in info.get("splits") or [])
    return None


def load(config: str = layout.DEFAULT_CONFIG, *, backend: Literal["datasets", "polars"] = "datasets",
         path: str | os.PathLike | None = None):
    """One config of the corpus as a `datasets.Dataset` (default) or a
    `polars.DataFrame` (`backend="polars"`). Works offline.

    Every file read (and the card) is first checked against SHA256SUMS;
    a file is hashed again only when its size or modification time changed.
    The `datasets` backend builds the Dataset in memory from the checked
    bytes, so no stale cache can stand in for a changed file.
    """
    from diglot.integrity import checksums

    if backend not in ("datasets", "polars"):
        raise ValueError(f"backend must be 'datasets' or 'polars', not {backend!r}")
    located = find_corpus(path)
    root = located.path
    log.info("diglot.load: %s", located.describe())
    files = config_files(root, config)
    checksums.check_files(root, [*([layout.CARD] if (root / layout.CARD).is_file() else []), *files])
    import pyarrow.parquet as pq

    table = pq.read_table([root / f for f in files]) if len(files) > 1 else pq.read_table(root / files[0])
    expected = _expected_rows(root, config)
    if expected is not None and expected != table.num_rows:
        raise CorpusError(f"{root / files[0]}: {table.num_rows} rows, the dataset card says {expected}")
    if backend == "polars":
        import polars as pl

        return pl.from_arrow(table)
    import datasets
    from datasets.table import InMemoryTable

    return datasets.Dataset(InMemoryTable(table), split=layout.split_of(config))
