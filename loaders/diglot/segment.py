"""Sentence segmentation (sentencex) with character offsets."""

from __future__ import annotations

from sentencex import segment as _sentencex_segment


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence of `text`, white space trimmed.

    sentencex returns the pieces in order and without loss, so each piece is
    found at or after the end of the previous one.
    """
    spans = []
    pos = 0
    for piece in _sentencex_segment(lang, text):
        core = piece.strip()
        if not core:
            continue
        start = text.find(core, pos)
        if start < 0:  # never expected; refuse rather than guess offsets
            raise ValueError(f"segmenter returned text not found in its input: {core[:40]!r}")
        spans.append((start, start + len(core)))
        pos = start + len(core)
    return spans


def split_sentences(text: str, lang: str) -> list[str]:
    """The sentences of raw text, each on one line (a line break inside a sentence becomes a space).

    One sentence a line is what aligners read and write, so the sentences
    can be saved and the bead indices still point at them.
    """
    return [" ".join(part.strip() for part in text[s:e].splitlines()) for s, e in sentence_spans(text, lang)]
