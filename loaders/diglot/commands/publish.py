"""`diglot publish --repo-id ORG/NAME [--dry-run]`: upload a verified corpus to the Hub and tag it."""

from __future__ import annotations

import argparse
from pathlib import Path

from diglot.commands import corpus_option


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo-id", required=True, metavar="ORG/NAME", help="Hub dataset repository")
    parser.add_argument("--dry-run", action="store_true",
                        help="print every file (size, sha256), the repo id and the tag; send nothing")
    parser.add_argument("--revision-tag", action=argparse.BooleanOptionalAction, default=True,
                        help="tag the uploaded revision corpus-vX.Y.Z (default: yes)")
    parser.add_argument("--lock", type=Path, default=None,
                        help="pip lock file the card's build versions must agree with "
                             "(default: requirements.lock beside the corpus folder, if there is one)")
    corpus_option.add(parser)


def run(args: argparse.Namespace) -> int:
    from diglot import release
    from diglot.commands.verify import default_lock

    root = corpus_option.corpus_for("publish", args.corpus)
    publish_plan = release.plan(root, args.repo_id, revision_tag=args.revision_tag,
                                lock=default_lock(root, args.lock))
    if args.dry_run:
        print("diglot publish --dry-run: nothing is sent; publishing would send:")
        print(publish_plan.describe())
        return 0
    commit = release.publish(publish_plan)
    print(f"published {publish_plan.repo_id} {publish_plan.version}: {commit.commit_url}")
    if publish_plan.tag:
        print(f"tagged {publish_plan.tag}")
    return 0
