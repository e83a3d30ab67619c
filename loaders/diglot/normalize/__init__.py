"""Text normalisers: small pure steps, each with an offset map back to the raw seed.

- `chars`: character fixes (invisibles, line breaks, NFC, quotes, spaces);
- `debris`: paragraph rules for web-page leftovers;
- `document`: a whole seed cleaned into paragraphs with removals recorded;
- `edits`: the Edit / OffsetMap bookkeeping they share.
"""

from diglot.normalize.chars import (
    CHARACTER_STEPS,
    SPAN_STEPS,
    collapse_spaces,
    compose_nfc,
    join_lines,
    remove_invisible,
    unify_line_breaks,
    unify_quotes,
)
from diglot.normalize.document import CleanDocument, Paragraph, Removal, clean_document, normalize_and_explain, normalize_span
from diglot.normalize.edits import Edit, Fixed, OffsetMap, apply_edits, chain

__all__ = [
    "CHARACTER_STEPS",
    "SPAN_STEPS",
    "CleanDocument",
    "Edit",
    "Fixed",
    "OffsetMap",
    "Paragraph",
    "Removal",
    "apply_edits",
    "chain",
    "clean_document",
    "collapse_spaces",
    "compose_nfc",
    "join_lines",
    "normalize_and_explain",
    "normalize_span",
    "remove_invisible",
    "unify_line_breaks",
    "unify_quotes",
]
