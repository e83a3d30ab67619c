"""`diglot cache info|clear`: the embedding store (one SQLite file per model) and the store of prepared documents."""

from __future__ import annotations

from pathlib import Path


def configure(parser) -> None:
    parser.add_argument("action", choices=("info", "clear"), help="info: where the store is and what it holds; clear: delete it")
    parser.add_argument("--dir", type=Path, default=None, help="store folder (default: $DIGLOT_CACHE, else the user cache directory)")


def run(args) -> int:
    from diglot.extras import require_extra

    require_extra("align", "diglot cache")
    from diglot import document_store
    from diglot.align import store

    root = args.dir or store.store_root()
    if args.action == "clear":
        removed = store.clear(root) + document_store.clear(root)
        print(f"{root}: removed {len(removed)} file(s)")
        return 0
    stores = store.describe(root)
    print(f"embedding store: {root}")
    if not stores:
        print("  no vectors stored")
    for s in stores:
        print(f"  {s.path.name}: {s.vectors} vectors, {s.bytes / 1e6:.1f} MB ({s.model})")
    documents = document_store.describe(root)
    if documents:
        path, count, size = documents
        print(f"prepared documents: {path.relative_to(root)}: {count} records, {size / 1e6:.1f} MB")
    return 0
