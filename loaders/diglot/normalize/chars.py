"""Character-level normalisers. Each is a pure function `text -> list[Edit]`.

They look at no more context than a character's neighbours, so they give the
same result on a whole document and on any sentence cut out of it; that is
what lets every sentence be re-derived from its raw span.
"""

from __future__ import annotations

import re
import unicodedata

from diglot.normalize.edits import Edit

ZWNJ, ZWJ = "\u200c", "\u200d"

# Invisible format characters that carry no text. ZWJ/ZWNJ are handled apart:
# Bengali, Devanagari, Arabic and others need them to choose conjunct forms.
_INVISIBLE = re.compile(
    "["
    "\u00ad"  # soft hyphen
    "\u034f"  # combining grapheme joiner
    "\u061c"  # Arabic letter mark
    "\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b"  # zero width space
    "\u200e\u200f"  # LRM, RLM
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2060-\u2064\u2066-\u206f"  # word joiner, invisible operators, bidi isolates
    "\ufeff"  # BOM / zero width no-break space
    "\ufff9-\ufffb"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f"  # C0/C1 controls but \t \n \r NEL
    "]"
)
_JOINER = re.compile(f"[{ZWNJ}{ZWJ}]")

# Line separators other than LF; CRLF first so it becomes one LF.
_LINE_BREAK = re.compile("\r\n|[\r\u0085\u2028\u2029\u000b\u000c]")

# Any horizontal white space (every Zs, tab) and line breaks.
_SPACE_RUN = re.compile(r"[^\S\n]+")

# Look-alikes of the apostrophe between two letters ("l'uso", "dell`ordine").
_APOSTROPHE = re.compile("(?<=\\w)['`\u00b4\u02bc\u2032\uff07](?=\\w)")
_QUOTE_VARIANTS = {"\u201b": "\u2018", "\u201f": "\u201c", "\uff02": '"', "\u301d": "\u201c", "\u301e": "\u201d"}
_QUOTE_VARIANT = re.compile("[" + "".join(_QUOTE_VARIANTS) + "]")

_WORD_CHUNK = re.compile(r"\s*\S+|\s+")


def _needs_joiner(prev: str, nxt: str) -> bool:
    """A joiner matters only between letters/marks of scripts that shape with it."""

    def shaping(ch: str) -> bool:
        return bool(ch) and ord(ch) >= 0x0590 and unicodedata.category(ch)[0] in "LM"

    return shaping(prev) and shaping(nxt)


def remove_invisible(text: str) -> list[Edit]:
    """Drop format and control characters that render as nothing.

    ZWJ and ZWNJ survive between two letters or marks of a shaping script
    (Bengali ্‌ conjunct control, Persian half-spaces); elsewhere they are noise.
    """
    edits = [Edit(m.start(), m.end(), "", "invisible") for m in _INVISIBLE.finditer(text)]
    for m in _JOINER.finditer(text):
        i = m.start()
        # The character a joiner follows is read past combining marks to the last
        # one NFC cannot move (canonical class 0): NFC reorders a run of marks, and
        # the decision must not change when the text is normalised again.
        k = i - 1
        while k >= 0 and unicodedata.combining(text[k]):
            k -= 1
        prev = text[k] if k >= 0 else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if not _needs_joiner(prev, nxt):
            edits.append(Edit(i, i + 1, "", "stray_joiner"))
    return edits


def unify_line_breaks(text: str) -> list[Edit]:
    """CRLF, CR and Unicode line/paragraph separators become LF."""
    return [Edit(m.start(), m.end(), "\n", "line_break") for m in _LINE_BREAK.finditer(text)]


def _stable_pieces(chunk: str):
    """Cut a chunk before each punctuation mark: no canonical composite has
    punctuation in it, so NFC of the pieces is NFC of the whole, and an edit
    never straddles a sentence boundary."""
    start = 0
    for i, ch in enumerate(chunk):
        if i > start and unicodedata.category(ch)[0] == "P":
            yield start, chunk[start:i]
            start = i
    yield start, chunk[start:]


def compose_nfc(text: str) -> list[Edit]:
    """Unicode NFC, one small piece at a time.

    Pieces end before white space or punctuation, which compose with nothing,
    so NFC of the whole equals the NFC of the pieces; each edit then covers
    only the characters that really changed, keeping the offset map sharp.
    """
    if unicodedata.is_normalized("NFC", text):
        return []
    edits = []
    for m in _WORD_CHUNK.finditer(text):
        if unicodedata.is_normalized("NFC", m.group()):
            continue
        for offset, piece in _stable_pieces(m.group()):
            fixed = unicodedata.normalize("NFC", piece)
            if fixed == piece:
                continue
            head = 0  # trim what NFC left alone at both ends
            while head < min(len(piece), len(fixed)) and piece[head] == fixed[head]:
                head += 1
            tail = 0
            while tail < min(len(piece), len(fixed)) - head and piece[-1 - tail] == fixed[-1 - tail]:
                tail += 1
            start = m.start() + offset + head
            edits.append(Edit(start, m.start() + offset + len(piece) - tail, fixed[head : len(fixed) - tail], "nfc"))
    return edits


def unify_quotes(text: str) -> list[Edit]:
    """Quotation policy: keep each language's typographic quotes as written
    (“ ” ‘ ’ « » „ are data); write the apostrophe inside a word as U+2019;
    map rare variants (‛ ‟ ＂ 〝 〞) to their common form."""
    edits = [Edit(m.start(), m.end(), "\u2019", "apostrophe") for m in _APOSTROPHE.finditer(text) if m.group() != "\u2019"]
    edits += [Edit(m.start(), m.end(), _QUOTE_VARIANTS[m.group()], "quote_variant") for m in _QUOTE_VARIANT.finditer(text)]
    return edits


def collapse_spaces(text: str) -> list[Edit]:
    """Every run of horizontal white space becomes one space; none at a line's ends."""
    edits = []
    for m in _SPACE_RUN.finditer(text):
        s, e = m.start(), m.end()
        at_edge = s == 0 or e == len(text) or text[s - 1] == "\n" or text[e] == "\n"
        if at_edge:
            edits.append(Edit(s, e, "", "whitespace"))
        elif m.group() != " ":
            edits.append(Edit(s, e, " ", "whitespace"))
    return edits


def join_lines(text: str) -> list[Edit]:
    """Inside one sentence or paragraph a line break is just a space."""
    edits = []
    for m in re.finditer(r"\s*\n\s*", text):
        s, e = m.start(), m.end()
        edits.append(Edit(s, e, "" if s == 0 or e == len(text) else " ", "line_join"))
    return edits


# Order matters: invisibles first so they cannot hide white space runs or
# block NFC composition; spaces last because earlier steps can create runs.
CHARACTER_STEPS = (remove_invisible, unify_line_breaks, compose_nfc, unify_quotes)

# The full recipe for one sentence or paragraph of text: what the corpus
# invariant re-applies to `raw_text[raw_start:raw_end]`. NFC runs again last
# because dropping white space at the edges can bring a mark next to a letter.
SPAN_STEPS = CHARACTER_STEPS + (join_lines, collapse_spaces, compose_nfc)
