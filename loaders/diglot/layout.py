"""The shape of a built corpus, in one place: file names, config names, splits,
and the version and CHANGELOG patterns.

The writer, the card, the verifier, the loaders and the release rules all read
these; none of them spells a config or file name out on its own.

Configs and their files (`<config>/<split>.parquet`):

- `documents`, `sentences`, `alignments`: split `train`;
- `translation-<a>-<b>`: one per language pair, split `train`.  The two
  languages are named in the order they first appear among the documents
  (that is, in seeds/manifest.toml), so the Italian-Bengali seeds give
  `translation-it-bn`; a bead aligned `bn -> it` lands in the same config;
- `gold`: the hand-made alignment, split `test` (it is for evaluation).
"""

from __future__ import annotations

import re

CARD = "README.md"
CHANGELOG = "CHANGELOG.md"
CHECKSUMS = "SHA256SUMS"
DATASHEET = "DATASHEET.md"
# The statement of the data's terms the card's `license_link` points to.
TERMS = "TERMS.md"
# Published files beside the data; SHA256SUMS covers them too (it cannot list itself).
DOC_FILES = (CARD, CHANGELOG, DATASHEET, TERMS)

DOCUMENTS, SENTENCES, ALIGNMENTS, GOLD = "documents", "sentences", "alignments", "gold"
FIXED_CONFIGS = (DOCUMENTS, SENTENCES, ALIGNMENTS, GOLD)
REQUIRED_CONFIGS = (DOCUMENTS, SENTENCES)
BEAD_CONFIGS = (ALIGNMENTS, GOLD)
DEFAULT_CONFIG = SENTENCES
TRANSLATION_PREFIX = "translation-"
_TRANSLATION = re.compile(r"^translation-(?P<a>[a-z]{2,3})-(?P<b>[a-z]{2,3})$")

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
CHANGELOG_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\S+))?\s*$")


def split_of(config: str) -> str:
    return "test" if config == GOLD else "train"


def data_file(config: str) -> str:
    """The one Parquet file of a config, relative to the corpus root."""
    return f"{config}/{split_of(config)}.parquet"


def translation_config(languages: tuple[str, str]) -> str:
    a, b = languages
    return f"{TRANSLATION_PREFIX}{a}-{b}"


def translation_languages(config: str) -> tuple[str, str] | None:
    """('it', 'bn') for 'translation-it-bn'; None for any other name."""
    match = _TRANSLATION.match(config)
    return (match["a"], match["b"]) if match else None


def is_known_config(config: str) -> bool:
    return config in FIXED_CONFIGS or translation_languages(config) is not None


def pair_in_order(langs: tuple[str, str], document_langs: list[str]) -> tuple[str, str]:
    """The two languages in the order they first appear in `document_langs`
    (the documents' languages in manifest order)."""
    return tuple(sorted(langs, key=lambda lang: (document_langs.index(lang) if lang in document_langs else
                                                  len(document_langs), lang)))


def parse_semver(text: object) -> tuple[int, int, int] | None:
    if not isinstance(text, str):
        return None
    match = SEMVER.match(text)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None

