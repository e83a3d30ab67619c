"""Progress on stderr: bars on a terminal only, nothing at all with --quiet."""

from __future__ import annotations

import io
import sys

import numpy as np
import pytest

from diglot import progress
from diglot.align.embedders import Cached
from diglot.cli import main


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Slow:
    name, model, dim = "slow", "progress-test-model", 2

    def embed(self, texts):
        return np.ones((len(texts), 2), dtype=np.float32)


@pytest.fixture(autouse=True)
def loud():
    progress.set_quiet(False)  # `diglot build --quiet` elsewhere in the session leaves it set
    yield
    progress.set_quiet(False)


def test_embedding_shows_a_bar_on_a_terminal_and_not_when_quiet(tmp_path, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)  # here, not in a fixture: pytest's capture resets sys.stderr after fixtures
    Cached(Slow(), root=tmp_path).embed([f"t{i}" for i in range(600)])
    assert "embedding (slow):   0%" in terminal.getvalue() and "/600 " in terminal.getvalue()
    terminal.seek(0), terminal.truncate()
    progress.set_quiet(True)
    Cached(Slow(), root=tmp_path / "other").embed([f"t{i}" for i in range(600)])
    progress.note_once("a note")
    assert terminal.getvalue() == ""


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path, capsys):
    Cached(Slow(), root=tmp_path).embed([f"t{i}" for i in range(600)])
    progress.note_once("loading something")
    assert capsys.readouterr().err == ""


def test_build_quiet_prints_nothing_on_stderr(fast_seeds, tmp_path, capsys):
    assert main(["build", "--seeds", str(fast_seeds), "--out", str(tmp_path / "corpus"), "--quiet", "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "corpus at" in captured.out
    assert main(["build", "--seeds", str(fast_seeds), "--out", str(tmp_path / "corpus"), "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert "aligned it-000 ~ bn-002" in err and "\r" not in err  # log lines, no bar debris


def test_the_compiling_note_reads_the_kernels_cache(monkeypatch):
    from diglot import pipeline
    from diglot.align import align_vectors

    align_vectors(np.eye(3, dtype=np.float32), np.eye(3, dtype=np.float32))  # compiled and cached by now
    told = []
    monkeypatch.setattr(progress, "note_once", told.append)
    pipeline._note_if_compiling()
    assert told == []
    # with no cache index found, the user is told once
    monkeypatch.setattr(pipeline.Path, "exists", lambda self: False)
    pipeline._note_if_compiling()
    assert len(told) == 1 and "compiling" in told[0]
