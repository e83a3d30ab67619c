"""Checks that the corpus is a release: card version == newest CHANGELOG entry
== every documents row; CHANGELOG entries newest first; the card's release
record matches the data and its version is the bump RELEASING.md calls for
after the previous release; the recorded build versions agree with the
aligner's and (given a lock file) with its pins."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Any

import polars as pl

from diglot import layout
from diglot.integrity.card import BUILD_DIGLOT_KEYS, CARD, build_diglot_version
from diglot.integrity.report import Report, Table
from diglot.textio import read_text

CHANGELOG = layout.CHANGELOG
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)")
NOT_INSTALLED = "not installed"


def canonical_name(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, line) for every `name==version` line of a pip lock file."""
    pins = {}
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        match = _PIN.match(line)
        if match:
            pins[canonical_name(match[1])] = (match[2], number)
    return pins


def check_lock(lock: Path, card: dict[str, Any] | None, report: Report) -> None:
    """The card's recorded build versions agree with the lock file's pins."""
    name = str(lock)
    if not lock.is_file():
        report.add(name, "lock file not found", "version")
        return
    build = card.get("build") if card else None
    if not isinstance(build, dict):
        report.add(CARD, f"records no build versions to compare with {lock.name}", "version")
        return
    pins = read_lock(lock)
    for package, recorded in build.items():
        if package in BUILD_DIGLOT_KEYS or not isinstance(recorded, str):
            continue  # diglot itself is not pinned in the lock; malformed values are reported above
        pinned = pins.get(canonical_name(package))
        if pinned is None:
            if recorded != NOT_INSTALLED:
                report.add(CARD, f"build.{package} = {recorded!r} but {lock.name} does not pin {package}", "version")
        elif pinned[0] != recorded:
            report.add(name, f"pins {package}=={pinned[0]}, the card says the corpus was built with {recorded}",
                       "version", line=pinned[1])


def read_changelog(text: str) -> tuple[list[tuple[str, str | None, int]], list[tuple[int, str]]]:
    """(version, date, line) per `## [X.Y.Z] - YYYY-MM-DD` heading, and (line, reason) problems."""
    entries, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("## "):
            continue
        match = layout.CHANGELOG_HEADING.match(line)
        if not match:
            problems.append((number, f"heading {line!r} is not '## [X.Y.Z] - YYYY-MM-DD'"))
            continue
        version, date = match["version"], match["date"]
        if version.lower() == "unreleased":
            continue
        if layout.parse_semver(version) is None:
            problems.append((number, f"version {version!r} is not X.Y.Z"))
            continue
        if date is None:
            problems.append((number, f"entry {version} has no date"))
        else:
            try:
                _dt.date.fromisoformat(date)
            except ValueError:
                problems.append((number, f"date {date!r} of {version} is not YYYY-MM-DD"))
                date = None
        entries.append((version, date, number))
    return entries, problems


def _check_changelog(root: Path, card_version: str | None, report: Report) -> list[str]:
    """The CHANGELOG's versions, newest first (with problems reported)."""
    changelog = root / CHANGELOG
    if not changelog.is_file():
        report.add(CHANGELOG, "missing: the corpus has no CHANGELOG", "version")
        return []
    try:
        entries, problems = read_changelog(changelog.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        entries, problems = [], [(None, f"not UTF-8 text ({err})")]
    for line, reason in problems:
        report.add(CHANGELOG, reason, "version", line=line)
    if not entries and not problems:
        report.add(CHANGELOG, "has no '## [X.Y.Z] - YYYY-MM-DD' entry", "version")
    for (newer, newer_date, _), (older, older_date, line) in zip(entries, entries[1:]):
        if layout.parse_semver(newer) <= layout.parse_semver(older):
            report.add(CHANGELOG, f"entries not newest first: {older} after {newer}", "version", line=line)
        elif newer_date and older_date and newer_date < older_date:
            report.add(CHANGELOG, f"{newer} is dated {newer_date}, before {older} ({older_date})", "version", line=line)
    if entries and card_version is not None and entries[0][0] != card_version:
        report.add(CHANGELOG, f"newest entry is {entries[0][0]}, the card's corpus_version is {card_version}",
                   "version", line=entries[0][2])
    return [version for version, _, _ in entries]


def _check_release_record(root: Path, card: dict[str, Any], tables: dict[str, Table], changelog: list[str],
                          report: Report) -> None:
    """The card's `release` record describes this data, and the version is the
    bump the rules call for after the previous release it names."""
    from diglot import release

    record = card.get("release")
    version = card.get("corpus_version")
    if not isinstance(record, dict) or not isinstance(record.get("configs"), dict):
        report.add(CARD, "has no release record (release.configs): rebuild with `diglot build`", "version")
        return
    if not all(t.usable for t in tables.values()):
        return  # a config could not be read: its problem is reported, its digest means nothing
    current = release.folder_fingerprint(root)
    for name in sorted(set(current) | set(record["configs"])):
        if record["configs"].get(name) != current.get(name):
            report.add(CARD, f"release record for {name!r} does not match the data: the corpus changed after "
                             "`diglot build` wrote it", "version")
    previous = record.get("previous")
    if previous is None or layout.parse_semver(version) is None:
        return
    if layout.parse_semver(previous) is None or not isinstance(record.get("previous_configs"), dict):
        report.add(CARD, f"release.previous {previous!r} is not a version with its configs' digests", "version")
        return
    problem = release.version_problem(previous, release.classify_fingerprints(record["previous_configs"], current),
                                      version)
    if problem:
        report.add(CARD, problem, "version")
    if changelog and previous not in changelog:
        report.add(CHANGELOG, f"has no entry for the previous release {previous}", "version")


def check_versions(root: Path, card: dict[str, Any] | None, tables: dict[str, Table], report: Report) -> None:
    card_version = card.get("corpus_version") if card else None
    changelog = _check_changelog(root, card_version, report)
    docs = tables.get(layout.DOCUMENTS)
    if docs is not None and docs.usable and card_version is not None:
        report.rows(docs.frame.filter(pl.col("corpus_version").ne_missing(card_version)),
                    lambda r: f"corpus_version {r['corpus_version']!r} differs from the card's {card_version!r}",
                    "version")
    if card is not None:
        _check_release_record(root, card, tables, changelog, report)
    # the aligner's recorded version and the card's build record must agree
    recorded = build_diglot_version(card)
    if recorded is None:
        return
    for name in layout.BEAD_CONFIGS:
        table = tables.get(name)
        if table is None or not table.usable:
            continue
        wrong = table.frame.filter(pl.col("method").struct.field("diglot_version").ne_missing(recorded))
        # one row says it; the rest of the config shares the build
        report.rows(wrong.head(1), lambda r: f"method.diglot_version {(r['method'] or {}).get('diglot_version')!r} "
                                             f"differs from the diglot version in the card's build mapping ({recorded!r})",
                    "version")
