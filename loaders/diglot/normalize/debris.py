"""Paragraph-level debris rules: what a web page leaves around an article.

Rules are general (repetition, language, the shape of a paragraph), never the
exact strings of one page. Each returns the indices it would drop, with a
reason; `document.clean_document` records them as removals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_HAS_TEXT = re.compile(r"\w")
_DIGITS_ONLY = re.compile(r"^[\W\d_]+$")

# A boilerplate paragraph is short: comment-form prompts, share buttons, bylines.
MAX_BOILERPLATE_WORDS = 25


def repeated_paragraphs(paragraphs: Sequence[str]) -> dict[int, str]:
    """A paragraph identical to an earlier one (a headline printed twice)."""
    seen: set[str] = set()
    dropped = {}
    for i, text in enumerate(paragraphs):
        key = text.casefold()
        if key in seen:
            dropped[i] = "repeated_paragraph"
        seen.add(key)
    return dropped


def textless_paragraphs(paragraphs: Sequence[str]) -> dict[int, str]:
    """Separators and ornaments: no letter at all ("* * *", "—", "|")."""
    return {i: "no_text" for i, text in enumerate(paragraphs) if not _HAS_TEXT.search(text) or _DIGITS_ONLY.match(text)}


def foreign_edges(paragraphs: Sequence[str], in_document_language: Callable[[str], bool]) -> dict[int, str]:
    """Short paragraphs in another language at the very start or end of the
    document: a page's comment form, cookie notice or navigation, not the text.

    Only the edges: a foreign sentence inside the article is content and is
    flagged by the language tagger instead.
    """

    def debris(text: str) -> bool:
        return len(text.split()) <= MAX_BOILERPLATE_WORDS and not in_document_language(text)

    dropped = {}
    for i in range(len(paragraphs)):
        if not debris(paragraphs[i]):
            break
        dropped[i] = "foreign_header"
    for i in reversed(range(len(paragraphs))):
        if i in dropped or not debris(paragraphs[i]):
            break
        dropped[i] = "foreign_footer"
    return dropped
