"""Release rules and the publish plan (see RELEASING.md).

Versioning of the corpus (`corpus_version`, semver):

- schema change (a config removed; in a config that both versions have, a
  column added, removed, renamed or retyped): bump MAJOR;
- data change (any row added, removed or changed, in any config; a new
  config added beside unchanged ones, which breaks no reader): bump MINOR;
- only the card or CHANGELOG prose changed: bump PATCH;
- nothing changed: no release.

`classify(old, new)` says which of these separates two built corpora (the
`corpus_version` column itself is ignored, since every release rewrites it);
`check_release(old, new)` says whether `new` carries the version the rules
call for.  `plan(root, repo_id)` verifies a corpus and lists exactly what
`publish` would send; `publish(plan)` sends it with huggingface_hub.
"""

from __future__ import annotations

import glob
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from diglot.errors import CorpusError, DiglotError, SeedError
from diglot.integrity import checksums
from diglot.layout import CARD, CHANGELOG, parse_semver

Change = Literal["schema", "data", "docs", "none"]
TAG_PREFIX = "corpus-v"
REPO_TYPE = "dataset"


def bump(version: str, change: Change) -> str:
    """The version that follows `version` after a change of kind `change`."""
    parts = parse_semver(version)
    if parts is None:
        raise DiglotError(f"{version!r} is not a semantic version X.Y.Z")
    major, minor, patch = parts
    if change == "schema":
        return f"{major + 1}.0.0"
    if change == "data":
        return f"{major}.{minor + 1}.0"
    if change == "docs":
        return f"{major}.{minor}.{patch + 1}"
    if change == "none":
        return version
    raise ValueError(f"unknown change kind {change!r}")


def tag_for(version: str) -> str:
    if parse_semver(version) is None:
        raise DiglotError(f"{version!r} is not a semantic version X.Y.Z")
    return f"{TAG_PREFIX}{version}"


def card_version(root: str | Path) -> str:
    """`corpus_version` from a corpus's dataset card."""
    version = card_metadata(root).get("corpus_version")
    if parse_semver(version) is None:
        raise CorpusError(f"{Path(root) / CARD}: corpus_version {version!r} is not a semantic version X.Y.Z")
    return version


def card_metadata(root: str | Path) -> dict[str, Any]:
    from huggingface_hub import DatasetCard

    path = Path(root) / CARD
    if not path.is_file():
        raise CorpusError(f"{path}: missing; no dataset card, no corpus_version")
    return DatasetCard.load(path).data.to_dict()


# --------------------------------------------------------------------------- what changed

# config -> {"schema": sha256, "data": sha256}
Fingerprint = dict[str, dict[str, str]]


def table_fingerprint(table: pa.Table) -> dict[str, str]:
    """SHA-256 of a config's schema and of its rows, the `corpus_version`
    column left out (every release rewrites it)."""
    if "corpus_version" in table.column_names:
        table = table.drop_columns(["corpus_version"])
    schema = ", ".join(f"{field.name}: {_type_name(field.type)}" for field in table.schema)
    rows = json.dumps(table.to_pylist(), ensure_ascii=False, separators=(",", ":"), default=repr)
    return {"schema": hashlib.sha256(schema.encode()).hexdigest(),
            "data": hashlib.sha256(rows.encode("utf-8", "surrogatepass")).hexdigest()}


def _type_name(kind: pa.DataType) -> str:
    """An Arrow type spelled without the list item's field name, which Parquet renames."""
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return f"list<{_type_name(kind.value_type)}>"
    if pa.types.is_struct(kind):
        return "struct<" + ", ".join(f"{kind.field(i).name}: {_type_name(kind.field(i).type)}"
                                     for i in range(kind.num_fields)) + ">"
    return str(kind)


def folder_fingerprint(root: str | Path) -> Fingerprint:
    found: dict[str, list[Path]] = {}
    for parquet in sorted(Path(root).glob("*/*.parquet")):
        found.setdefault(parquet.parent.name, []).append(parquet)
    return {name: table_fingerprint(pq.read_table(files).replace_schema_metadata(None)) for name, files in found.items()}


def classify_fingerprints(old: Fingerprint, new: Fingerprint) -> Change:
    """schema, data or none (a docs change cannot be seen in the data)."""
    if set(old) - set(new) or any(old[name]["schema"] != new[name]["schema"] for name in old):
        return "schema"  # a config removed, or one both have changed its columns
    if set(new) - set(old) or any(old[name]["data"] != new[name]["data"] for name in old):
        return "data"  # a config added beside unchanged ones, or rows changed
    return "none"


def classify(old: str | Path, new: str | Path) -> Change:
    """The kind of change from corpus `old` to corpus `new` (both built folders)."""
    old, new = Path(old), Path(new)
    change = classify_fingerprints(folder_fingerprint(old), folder_fingerprint(new))
    if change != "none":
        return change
    for name in (CARD, CHANGELOG):
        old_text = (old / name).read_text(encoding="utf-8") if (old / name).is_file() else ""
        new_text = (new / name).read_text(encoding="utf-8") if (new / name).is_file() else ""
        if _without_version(old_text) != _without_version(new_text):
            return "docs"
    return "none"


def _without_version(text: str) -> str:
    """Card/CHANGELOG text minus the lines a pure version bump rewrites."""
    return "\n".join(line for line in text.splitlines()
                     if not line.startswith("corpus_version:") and not line.startswith("## ["))


def version_problem(previous: str, change: Change, version: str) -> str | None:
    """Why `version` is not the release the rules call for after `previous`."""
    if change == "none":
        # prose may have changed (a patch) or nothing at all (the same version)
        if version in (previous, bump(previous, "docs")):
            return None
        return f"nothing in the data changed since {previous}, yet the version moved to {version}"
    wanted = bump(previous, change)
    if version != wanted:
        return f"a {change} change after {previous} must be released as {wanted}, not {version}"
    return None


def check_release(old: str | Path, new: str | Path) -> list[str]:
    """Why corpus `new` is not a correct release after `old` (empty: it is)."""
    old_version, new_version = card_version(old), card_version(new)
    change = classify(old, new)
    if change == "none" and new_version != old_version:
        return [f"nothing changed since {old_version}, yet the version moved to {new_version}"]
    if change == "docs":
        wanted = bump(old_version, "docs")
        return [] if new_version == wanted else [f"a docs change after {old_version} must be released as {wanted}, not {new_version}"]
    problem = version_problem(old_version, change, new_version)
    return [problem] if problem else []


# --------------------------------------------------------------------------- the card's release record


def release_record(previous_from: Path | None, version: str, tables: dict[str, pa.Table], where: Path) -> dict[str, Any]:
    """The card's `release` mapping for a build of `tables` as `version`,
    after the corpus at `previous_from` (the one the build replaces).

    Raises SeedError (naming `where`, the manifest) when the version breaks
    the rules: changed data needs the bump of RELEASING.md.  A rebuild of the
    version `previous_from` already holds carries its record forward, so
    `build --check` reproduces the card byte for byte.
    """
    current = {name: table_fingerprint(table) for name, table in tables.items()}
    record: dict[str, Any] = {"configs": current}
    if previous_from is None or not (Path(previous_from) / CARD).is_file():
        return record
    old_version = card_version(previous_from)
    earlier = card_metadata(previous_from).get("release") or {}
    # what the old card records, else (a corpus built before records) what its files hold
    old = earlier.get("configs") if isinstance(earlier.get("configs"), dict) else folder_fingerprint(previous_from)
    if old_version == version:
        change = classify_fingerprints(old, current)
        if change != "none":
            raise SeedError(where, f"the data changed since corpus {version} was built in {previous_from} "
                                   f"(a {change} change), but the version is still {version}: release it as "
                                   f"{bump(version, change)} ([corpus] version, and a CHANGELOG entry)")
        if "previous" in earlier:
            record = {"previous": earlier["previous"], "previous_configs": earlier.get("previous_configs"), **record}
        return record
    problem = version_problem(old_version, classify_fingerprints(old, current), version)
    if problem:
        raise SeedError(where, f"{problem} (the corpus in {previous_from} is {old_version}); "
                               "set [corpus] version and add its CHANGELOG entry")
    return {"previous": old_version, "previous_configs": old, **record}


# --------------------------------------------------------------------------- publishing


@dataclass(frozen=True)
class PlannedFile:
    path: str  # relative to the corpus root, POSIX
    size: int
    sha256: str


@dataclass(frozen=True)
class PublishPlan:
    folder: Path
    repo_id: str
    version: str
    tag: str | None  # None: upload without tagging
    files: tuple[PlannedFile, ...]
    repo_type: str = REPO_TYPE
    commit_message: str = ""
    steps: tuple[str, ...] = field(default=())

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    def describe(self) -> str:
        """What a dry run prints: every file with size and SHA-256, the repo, the tag."""
        lines = [
            f"repo_id: {self.repo_id} (repo_type={self.repo_type})",
            f"folder: {self.folder}",
            f"corpus_version: {self.version}",
            f"tag: {self.tag if self.tag else '(none: --no-revision-tag)'}",
            f"commit message: {self.commit_message}",
            f"files: {len(self.files)}, {self.total_bytes} bytes",
        ]
        width = max((len(str(f.size)) for f in self.files), default=1)
        lines += [f"  {f.sha256}  {f.size:>{width}}  {f.path}" for f in self.files]
        lines.append("steps:")
        lines += [f"  {i}. {step}" for i, step in enumerate(self.steps, start=1)]
        return "\n".join(lines)


def _check_repo_id(repo_id: str) -> None:
    parts = repo_id.split("/")
    if len(parts) != 2 or not all(parts) or any(c.isspace() for c in repo_id):
        raise DiglotError(f"--repo-id {repo_id!r} is not ORG/NAME")


def plan(root: str | Path, repo_id: str, *, revision_tag: bool = True, lock: str | Path | None = None) -> PublishPlan:
    """Verify the corpus at `root` (against `lock` too, if given) and list
    what publishing it would send.

    Raises CorpusError (listing the problems) if the corpus fails verify.
    """
    _check_repo_id(repo_id)
    root = Path(root)
    from diglot.integrity import verify

    problems = verify(root, lock=lock)
    if problems:
        shown = "; ".join(str(p) for p in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise CorpusError(f"{root}: refusing to publish a corpus that fails verify: "
                          f"{len(problems)} problem(s): {shown}{more}")
    version = card_version(root)
    tag = tag_for(version) if revision_tag else None
    paths = sorted([checksums.MANIFEST] + checksums.published_files(root))
    files = tuple(PlannedFile(p, (root / p).stat().st_size, checksums.sha256_file(root / p)) for p in paths)
    message = f"diglot corpus v{version}"
    steps = [
        f"HfApi().create_repo(repo_id={repo_id!r}, repo_type={REPO_TYPE!r}, exist_ok=True)",
    ]
    if tag:
        steps.append(f"HfApi().list_repo_refs({repo_id!r}, repo_type={REPO_TYPE!r}): refuse if tag {tag!r} exists")
    steps.append(f"HfApi().upload_folder(repo_id={repo_id!r}, repo_type={REPO_TYPE!r}, folder_path={str(root)!r}, "
                 f"allow_patterns=<the {len(files)} files above>, commit_message={message!r})")
    if tag:
        steps.append(f"HfApi().create_tag({repo_id!r}, tag={tag!r}, repo_type={REPO_TYPE!r}, "
                     "revision=<the commit upload_folder made>)")
    return PublishPlan(folder=root, repo_id=repo_id, version=version, tag=tag, files=files,
                       commit_message=message, steps=tuple(steps))


def publish(publish_plan: PublishPlan, *, api: Any = None) -> Any:
    """Send the plan with huggingface_hub; returns the upload's CommitInfo.

    Re-checks every file's SHA-256 first, so a corpus changed after planning
    is not sent.
    """
    for f in publish_plan.files:
        path = publish_plan.folder / f.path
        if not path.is_file() or checksums.sha256_file(path) != f.sha256:
            raise CorpusError(f"{path}: changed since the publish plan was made; nothing sent")
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi()
    repo_id, repo_type = publish_plan.repo_id, publish_plan.repo_type
    api.create_repo(repo_id=repo_id, repo_type=repo_type, exist_ok=True)
    if publish_plan.tag:
        refs = api.list_repo_refs(repo_id, repo_type=repo_type)
        if any(ref.name == publish_plan.tag for ref in refs.tags):
            raise DiglotError(f"{repo_id}: tag {publish_plan.tag} already exists on the Hub; "
                              "a published version is never replaced: bump corpus_version")
    commit = api.upload_folder(
        repo_id=repo_id,
        repo_type=repo_type,
        folder_path=str(publish_plan.folder),
        allow_patterns=[glob.escape(f.path) for f in publish_plan.files],
        commit_message=publish_plan.commit_message,
    )
    if publish_plan.tag:
        api.create_tag(repo_id, tag=publish_plan.tag, repo_type=repo_type, revision=commit.oid,
                       tag_message=f"diglot corpus {publish_plan.version}")
    return commit
