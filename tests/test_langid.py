"""Language identification of whole documents: long ones by trigrams, short ones by the full models."""

from __future__ import annotations

from diglot.langid import LOW_ACCURACY_FROM, LanguageTagger

GERMAN = ("Die Besteigung des Gipfels dauerte drei Tage, weil das Wetter am zweiten Tag umschlug "
          "und die Seilschaft in der Hütte auf besseres Wetter warten musste.")  # fmt: skip


def test_a_long_document_is_identified_without_loading_every_full_model():
    tagger = LanguageTagger(["fr", "en"])  # German is not a candidate: only the open check can see it
    assert len(GERMAN) >= LOW_ACCURACY_FROM
    found = tagger.document(GERMAN)
    assert found.lang == "de" and found.confidence > 0.5
    assert "_open" not in tagger.__dict__  # the full models of 75 languages were never loaded


def test_a_short_document_gets_the_full_models():
    tagger = LanguageTagger(["fr", "en"])
    found = tagger.document("Guten Morgen, wie geht es dir heute?")
    assert found.lang == "de"
    assert "_open" in tagger.__dict__
