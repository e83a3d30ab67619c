"""Shared fixtures: a private copy of the seeds, and the committed corpus."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

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


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


@pytest.fixture
def fast_seeds(seeds_copy) -> Path:
    """The seeds, aligned with the model-free scorer so builds take seconds."""
    manifest = seeds_copy / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(re.sub(r'^embedder = ".*"$', 'embedder = "lexical"', text, flags=re.MULTILINE), encoding="utf-8")
    return seeds_copy


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
