"""Language and script codes: BCP-47, ISO 639-3 and ISO 15924 (FLORES+ style)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache

from lingua import IsoCode639_1, Language

# Unicode character-name prefix -> ISO 15924 script code.
_SCRIPT_BY_NAME = {
    "LATIN": "Latn", "BENGALI": "Beng", "DEVANAGARI": "Deva", "CYRILLIC": "Cyrl", "GREEK": "Grek",
    "ARABIC": "Arab", "HEBREW": "Hebr", "GUJARATI": "Gujr", "GURMUKHI": "Guru", "TAMIL": "Taml",
    "TELUGU": "Telu", "KANNADA": "Knda", "MALAYALAM": "Mlym", "ORIYA": "Orya", "SINHALA": "Sinh",
    "THAI": "Thai", "LAO": "Laoo", "TIBETAN": "Tibt", "MYANMAR": "Mymr", "KHMER": "Khmr",
    "GEORGIAN": "Geor", "ARMENIAN": "Armn", "ETHIOPIC": "Ethi", "HANGUL": "Hang",
    "HIRAGANA": "Jpan", "KATAKANA": "Jpan", "CJK": "Hani",
}


def script_of(ch: str) -> str | None:
    """ISO 15924 code of a letter, or None for anything that is not a letter."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    name = unicodedata.name(ch, "")
    return _SCRIPT_BY_NAME.get(name.split(" ", 1)[0], "Zyyy")


def dominant_script(text: str) -> str:
    """The script most of the letters are written in ("Zyyy" if none)."""
    counts = Counter(s for s in map(script_of, text) if s)
    return counts.most_common(1)[0][0] if counts else "Zyyy"


@lru_cache(maxsize=None)
def lingua_language(bcp47: str) -> Language | None:
    """The lingua Language for a BCP-47 primary tag, or None if lingua lacks it."""
    primary = bcp47.split("-")[0].lower()
    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, primary.upper()))
    except (AttributeError, ValueError):
        return None


def bcp47_of(language: Language) -> str:
    return language.iso_code_639_1.name.lower()


def iso639_3(bcp47: str) -> str:
    lang = lingua_language(bcp47)
    if lang is None:
        raise ValueError(f"unknown language tag {bcp47!r}: give `lang_code` in the manifest")
    return lang.iso_code_639_3.name.lower()


def flores_code(bcp47: str, script: str) -> str:
    """FLORES+ style code, e.g. ("it", "Latn") -> "ita_Latn"."""
    return f"{iso639_3(bcp47)}_{script}"


ACCEPTED_TAGS = "a BCP-47 tag: a registered language subtag (ISO 639-1 de, or ISO 639-3 gsw), " \
                "optionally with script and region, as in pt-BR, sr-Latn, zh-Hant-TW"


def standard_tag(code: str) -> str:
    """`code` as a standard BCP-47 tag (DE_ch -> de-CH, deu -> de); ValueError if it is not one."""
    import langcodes

    if not code or not langcodes.tag_is_valid(code):
        raise ValueError(f"{code!r} is not a language code; expected {ACCEPTED_TAGS}")
    return langcodes.standardize_tag(code)
