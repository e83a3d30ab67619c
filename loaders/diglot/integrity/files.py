"""Checks on the corpus's files: SHA256SUMS lists every published file once,
each with its digest, and nothing is a symlink or lies outside the corpus."""

from __future__ import annotations

from pathlib import Path

from diglot.integrity import checksums
from diglot.integrity.report import Report

MANIFEST = checksums.MANIFEST


def check_files(root: Path, report: Report) -> None:
    for rel in checksums.published_files(root):
        path = root / rel
        if path.is_symlink():
            report.add(rel, f"is a symlink (to {path.readlink()}); a corpus holds regular files only", "manifest")
    if not (root / MANIFEST).is_file():
        report.add(MANIFEST, "missing: the corpus has no SHA-256 manifest", "manifest")
        return
    try:
        entries, bad = checksums.read_manifest(root)
    except UnicodeDecodeError as err:
        report.add(MANIFEST, f"not UTF-8 text ({err})", "manifest")
        return
    for line in bad:
        report.add(MANIFEST, f"{line.reason}: {line.text!r}", "manifest", line=line.line)

    paths = [entry.path for entry in entries]
    if paths != sorted(paths):
        first = next(i for i in range(1, len(paths)) if paths[i] < paths[i - 1])
        report.add(MANIFEST, f"not sorted by path: {paths[first]!r} comes after {paths[first - 1]!r}", "manifest",
                   line=entries[first].line)
    seen: dict[str, int] = {}
    for entry in entries:
        if entry.path in seen:
            report.add(MANIFEST, f"{entry.path} listed twice (first on line {seen[entry.path]})", "manifest",
                       line=entry.line)
            continue
        seen[entry.path] = entry.line
        target = root / entry.path
        if entry.path == MANIFEST:
            report.add(MANIFEST, f"lists itself on line {entry.line}", "manifest", line=entry.line)
        elif target.is_symlink():
            continue  # reported above
        elif not target.is_file():
            report.add(entry.path, f"listed in {MANIFEST} (line {entry.line}) but missing", "manifest")
        else:
            actual = checksums.sha256_file(target)
            if actual != entry.digest:
                report.add(entry.path, f"SHA-256 mismatch: {MANIFEST} line {entry.line} records {entry.digest}, "
                                       f"the file hashes to {actual}", "manifest")
    for rel in checksums.published_files(root):
        if rel not in seen:
            report.add(rel, f"present but not listed in {MANIFEST}", "manifest")
