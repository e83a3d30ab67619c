"""Language identification with lingua: documents, sentences, foreign spans."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from lingua import Language, LanguageDetectorBuilder

from diglot.languages import bcp47_of, lingua_language, script_of

_WORD = re.compile(r"\w+", re.UNICODE)
# A foreign word must carry evidence: names (capitalised) and very short
# words are shared by too many languages to be called foreign on their own.
_MIN_FOREIGN_WORD = 3
FOREIGN_SENTENCE_CONFIDENCE = 0.5
# Single-word confidences: a word alone is foreign at STRONG, its neighbours
# join the run at WEAK. Set on the seeds; see DATASHEET.md for the misses.
STRONG_FOREIGN_WORD = 0.6
WEAK_FOREIGN_WORD = 0.5
# From this many characters a document is checked in lingua's low-accuracy
# (trigram) mode, which lingua documents as about as accurate on texts this long;
# its models load in a tenth of the time of all 75 languages' full models, a
# cost every build process pays once.
LOW_ACCURACY_FROM = 120


@dataclass(frozen=True)
class Detection:
    lang: str | None  # BCP-47, None when nothing could be detected
    confidence: float


@dataclass(frozen=True)
class ForeignSpan:
    start: int
    end: int
    lang: str


class LanguageTagger:
    """Tags text against a fixed set of candidate languages (the corpus's own
    plus contact languages such as English), and whole documents against all
    languages lingua knows, so a mislabelled seed is caught."""

    def __init__(self, candidates: list[str]):
        langs = {lingua_language(c) for c in candidates} - {None}
        if len(langs) < 2:  # lingua needs two; English is the usual contact language
            langs.add(Language.ENGLISH if Language.ENGLISH not in langs else Language.FRENCH)
        self._candidates = sorted(langs, key=lambda lang: lang.name)
        self._word_cache: dict[tuple[str, str], tuple[str | None, float]] = {}

    @cached_property
    def _restricted(self):
        return LanguageDetectorBuilder.from_languages(*self._candidates).build()

    @cached_property
    def _open(self):
        return LanguageDetectorBuilder.from_all_languages().build()

    @cached_property
    def _open_trigrams(self):
        return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()

    @staticmethod
    def _top(detector, text: str) -> Detection:
        values = detector.compute_language_confidence_values(text)
        if not values or values[0].value <= 0:
            return Detection(None, 0.0)
        return Detection(bcp47_of(values[0].language), round(float(values[0].value), 6))

    def document(self, text: str) -> Detection:
        """Best guess over every language lingua knows."""
        return self._top(self._open_trigrams if len(text) >= LOW_ACCURACY_FROM else self._open, text)

    def sentence(self, text: str) -> Detection:
        return self._top(self._restricted, text)

    def is_language(self, text: str, lang: str) -> bool:
        """Is `text` in `lang`? Only a confident other guess says no."""
        found = self.sentence(text)
        return found.lang in (lang, None) or found.confidence < FOREIGN_SENTENCE_CONFIDENCE

    def foreign_spans(self, text: str, lang: str, script: str) -> list[ForeignSpan]:
        """Runs of words in another language inside `text` (a sentence in `lang`).

        Words in another script are foreign by their letters (Latin inside
        Bengali). Words in the document's script are foreign when lingua,
        looking at the word alone, is confident it belongs to another candidate
        language; a run may then take in weaker neighbours ("by way of").
        Capitalised words are left alone: names are shared across languages.
        """
        words = list(_WORD.finditer(text))
        guesses: list[tuple[str, float] | None] = []
        by_letters: list[bool] = []
        for m in words:
            word = m.group()
            by_letters.append(_script(word) not in (script, None))
            if by_letters[-1]:
                # a letter or two says nothing about which language it is
                named = self._word_guess(word, lang)[0] if len(word) >= _MIN_FOREIGN_WORD else None
                guesses.append((named or "und", 1.0))
            elif word[0].islower() and len(word) >= 2 and not word.isdigit():
                guesses.append(self._word_guess(word, lang))
            else:
                guesses.append(None)
        strong = [
            other or (g is not None and g[0] is not None and g[1] >= STRONG_FOREIGN_WORD and len(m.group()) >= _MIN_FOREIGN_WORD)
            for m, g, other in zip(words, guesses, by_letters)
        ]
        keep = list(strong)
        for i in range(len(words)):  # grow each strong word into neighbours of its language
            if not strong[i]:
                continue
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(words) and not keep[j] and _weakly(guesses[j], guesses[i][0]):
                    keep[j] = True
                    j += step
        marks = [(m.start(), m.end(), guesses[i][0]) for i, m in enumerate(words) if keep[i]]
        return _merge_runs(marks, text)

    def _word_guess(self, word: str, doc_lang: str) -> tuple[str | None, float]:
        """The most likely candidate language other than `doc_lang`, and its confidence."""
        key = (word.casefold(), doc_lang)
        if key not in self._word_cache:
            best: tuple[str | None, float] = (None, 0.0)
            for value in self._restricted.compute_language_confidence_values(word):
                code = bcp47_of(value.language)
                if code != doc_lang:
                    best = (code, float(value.value))
                    break
            self._word_cache[key] = best
        return self._word_cache[key]


def _weakly(guess, lang) -> bool:
    return guess is not None and guess[0] == lang and guess[1] >= WEAK_FOREIGN_WORD


def _script(word: str) -> str | None:
    scripts = {s for s in map(script_of, word) if s}
    return scripts.pop() if len(scripts) == 1 else None


def _merge_runs(marks: list[tuple[int, int, str]], text: str) -> list[ForeignSpan]:
    """Join neighbouring foreign words of one language across spaces only."""
    spans: list[ForeignSpan] = []
    for start, end, lang in marks:
        if spans and spans[-1].lang == lang and text[spans[-1].end : start].strip() == "":
            spans[-1] = ForeignSpan(spans[-1].start, end, lang)
        else:
            spans.append(ForeignSpan(start, end, lang))
    return spans
