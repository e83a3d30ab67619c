"""Typed records passed between pipeline steps (read → clean → segment → tag → align → write)."""

from __future__ import annotations

from dataclasses import dataclass, field

from diglot.manifest import Seed
from diglot.normalize import CleanDocument


@dataclass(frozen=True)
class SentenceRecord:
    sent_id: str
    doc_id: str
    paragraph: int
    position: int
    text: str
    raw_start: int
    raw_end: int
    is_title: bool
    lang_detected: str | None = None
    lang_confidence: float = 0.0
    flags: tuple[str, ...] = ()
    foreign_spans: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True)
class DocumentRecord:
    seed: Seed
    clean: CleanDocument
    script: str
    lang_code: str
    lang_detected: str | None
    lang_confidence: float
    sentences: tuple[SentenceRecord, ...] = field(default=())

    @property
    def doc_id(self) -> str:
        return self.seed.entry.doc_id

    @property
    def lang(self) -> str:
        return self.seed.entry.lang


@dataclass(frozen=True)
class BeadRecord:
    pair: str
    src_doc: str
    tgt_doc: str
    src: tuple[int, ...]  # sentence positions in the source document
    tgt: tuple[int, ...]
    score: float  # cosine of the two sides (align.Bead.score)
    confidence: float  # probability that the bead is exactly right (align.Bead.confidence)
    monotonic: bool
