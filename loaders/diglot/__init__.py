"""diglot: a reproducible parallel-text corpus, its builder, loaders and aligner."""

from importlib.metadata import PackageNotFoundError, version as _dist_version

try:
    __version__ = _dist_version("diglot")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

from diglot.load import corpus_dir, load  # noqa: E402

__all__ = ["__version__", "corpus_dir", "load"]
