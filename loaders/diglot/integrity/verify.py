"""`diglot verify`: check a built corpus against its checksums, card, schemas,
invariants and release rules.

`verify(path)` returns every problem found (an empty list means the corpus is
sound); it never stops at the first one and never raises for a damaged
corpus.  Each `Problem` names the file (relative to the corpus root), the
row (0-based index in the Parquet file) or line (1-based, text files) when
there is one, and the reason.  One module per family of checks:

1. files (`integrity.files`): SHA256SUMS lists every published file (card,
   CHANGELOG, datasheet and terms included) exactly once with its digest;
   no symlinks;
2. card (`integrity.card`): README.md parses, carries the Hub metadata with
   accepted values, links the datasheet and terms, and its `dataset_info`
   matches each config's files and rows;
3. schema (`integrity.schema`): every config's Parquet has the schema of
   `diglot.schema`;
4. invariants (`integrity.invariants`): ids, references, offsets, beads and
   translation configs agree across configs;
5. release (`integrity.release`): versions agree (card, CHANGELOG, rows,
   build record, lock file) and follow the bump rules of RELEASING.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from diglot import layout
from diglot.integrity import card, files, invariants, release, schema
from diglot.integrity.report import Problem, Report


def verify(path: str | Path | None = None, *, normalize_span: Callable[[str, str], str] | None = None,
           lock: str | Path | None = None) -> list[Problem]:
    """Every problem with the corpus at `path` (default: `diglot.corpus_dir()`).

    `normalize_span(raw, lang) -> text` is the normaliser the builder used;
    by default `diglot.normalize.normalize_span`.  `lock`, a pip lock file
    (`name==version` lines), is compared with the versions the card's
    `build:` mapping records.
    """
    if path is None:
        from diglot.load import corpus_dir

        path = corpus_dir()
    root = Path(path)
    report = Report()
    if not root.is_dir():
        report.add(str(root), "no corpus here: not a directory", "manifest")
        return report.problems

    files.check_files(root, report)
    metadata = card.load_card(root, report)
    tables = schema.load_tables(root, metadata, report)
    card.check_features(metadata, tables, report)
    documents = tables.get(layout.DOCUMENTS)
    if documents is not None and documents.usable:
        card.check_languages(metadata, sorted(set(documents.frame["lang"].drop_nulls())), report)
    schema.check_schemas(tables, report)
    invariants.check_invariants(tables, report, normalize_span)
    release.check_versions(root, metadata, tables, report)
    if lock is not None:
        release.check_lock(Path(lock), metadata, report)
    return report.problems


__all__ = ["Problem", "verify"]
