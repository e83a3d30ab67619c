"""Shared fixtures and helpers: the seeds, the built corpus and Text+Berg dev (each as a
private copy or read-only), unit vectors, and the `diglot` command run in-process."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
# $DIGLOT_TEXTBERG, else the copy the repository carries (benchmarks/data/, GPL-2, see its PROVENANCE.md)
TEXTBERG = Path(os.environ.get("DIGLOT_TEXTBERG", REPO / "benchmarks" / "data" / "textberg-de-fr"))

# Tests must prove the corpus opens with no network at all.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def set_seed_bytes(seeds: Path, name: str, data: bytes, *, update_manifest: bool = True) -> None:
    """Replace a seed file, and (by default) record its new SHA-256 in the manifest."""
    path = seeds / name
    old = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    path.write_bytes(data)
    if update_manifest and old:
        manifest = seeds / "manifest.toml"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(old, hashlib.sha256(data).hexdigest()), encoding="utf-8")


@dataclass(frozen=True)
class GoldDocument:
    src: list[str]
    tgt: list[str]
    gold: list[tuple[tuple[int, ...], tuple[int, ...]]]

    def span(self, first: int, stop: int) -> tuple[list[str], list[str], int, int]:
        """The sentences that gold beads first..stop-1 cover: (src, tgt, first src id, first tgt id)."""
        beads = self.gold[first:stop]
        s0, t0 = min(i for s, _ in beads for i in s), min(j for _, t in beads for j in t)
        s1, t1 = max(i for s, _ in beads for i in s) + 1, max(j for _, t in beads for j in t) + 1
        return self.src[s0:s1], self.tgt[t0:t1], s0, t0


@pytest.fixture(scope="session")
def textberg_dev() -> GoldDocument:
    """Text+Berg dev (de-fr), the one document aligner tests may look at."""
    from diglot.align.vecalign_io import read_alignments

    if not (TEXTBERG / "dev.defr").exists():
        pytest.fail(f"Text+Berg gold set not found at {TEXTBERG} (the repository carries it under benchmarks/data/; or set DIGLOT_TEXTBERG)")
    lines = lambda ext: (TEXTBERG / f"dev.{ext}").read_text(encoding="utf-8").splitlines()
    return GoldDocument(lines("de"), lines("fr"), read_alignments(TEXTBERG / "dev.defr"))


class PlantedCounts(NamedTuple):
    left_alone: int  # planted sentences align() left one-sided
    moved_found: int  # moved gold pairs it found exactly


def planted_counter(*sets: tuple) -> Callable[[], PlantedCounts]:
    """A call counting what align(), as the module stands when called (tests patch it),
    gets right on benchmarks/planted.py's documents: one (split, rate) per set, or
    (split, rate, "moved") for the set with planted.MOVES of its sentences moved."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from benchmarks import planted

    from diglot.align import align

    docs = [d for split, rate, *moved in sets for d in planted.planted_docs(split, rate, planted.MOVES if moved else 0.0)]

    def count() -> PlantedCounts:
        result = planted.score(docs, [align(d.src, d.tgt) for d in docs])
        return PlantedCounts(round(result["planted_one_sided"] * result["planted"]) if result["planted"] else 0,
                             round(result["moved_found"] * result["moved"]) if "moved" in result else 0)  # fmt: skip

    return count


def copy_seeds(parent: Path) -> Path:
    """The seeds folder copied into `parent`, with the DATASHEET.md the build ships beside it."""
    dest = parent / "seeds"
    shutil.copytree(SEEDS, dest)
    shutil.copy(REPO / "DATASHEET.md", parent / "DATASHEET.md")
    return dest


def run_cli(*argv: str | Path) -> int:
    """`diglot ARGV...` through the real entry point; returns the exit code it would exit with."""
    from diglot.cli import main

    return main([str(a) for a in argv])


def unit(rows) -> np.ndarray:
    """Rows scaled to length 1, as float32 (sentence vectors)."""
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=-1, keepdims=True)


def random_unit(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """n random directions in d dimensions."""
    return unit(rng.standard_normal((n, d)))


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A private copy of the built corpus that `diglot.load()` reads (corpus/ itself is never touched)."""
    import diglot

    source = diglot.corpus_dir()
    if not (source / "README.md").is_file():
        pytest.fail(f"no built corpus at {source}: run `make corpus`")
    copy = tmp_path / "corpus"
    shutil.copytree(source, copy)
    return copy


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    return copy_seeds(tmp_path)


@pytest.fixture
def fast_seeds(seeds_copy) -> Path:
    """The seeds, aligned with the model-free scorer so builds take seconds."""
    manifest = seeds_copy / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(re.sub(r'^embedder = ".*"$', 'embedder = "lexical"', text, flags=re.MULTILINE), encoding="utf-8")
    return seeds_copy


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def set_version(seeds: Path, version: str, entry: bool = True) -> None:
    manifest = seeds / "manifest.toml"
    manifest.write_text(re.sub(r'^version = ".*"$', f'version = "{version}"', manifest.read_text(encoding="utf-8"),
                               flags=re.MULTILINE), encoding="utf-8")
    if entry:
        changelog = seeds / "CHANGELOG.md"
        text = changelog.read_text(encoding="utf-8")
        first = text.index("\n## [")
        newest = re.search(r"^## \[[^]]+\] - (\d{4}-\d{2}-\d{2})", text[first + 1 :], re.MULTILINE)[1]  # not dated before it
        changelog.write_text(text[:first] + f"\n## [{version}] - {newest}\n\n- test release\n" + text[first:],
                             encoding="utf-8")


def release_next_minor(seeds: Path) -> str:
    """Bump the seeds' corpus version to the next minor one, with its CHANGELOG entry (a data change)."""
    current = re.search(r'^version = "(\d+)\.(\d+)\.\d+"$', (seeds / "manifest.toml").read_text(encoding="utf-8"), re.MULTILINE)
    version = f"{current[1]}.{int(current[2]) + 1}.0"
    set_version(seeds, version)
    return version
