"""Strict and lax link F1 of the aligner on the seeds against their hand-made gold (report only).

    python benchmarks/seeds_f1.py

The seeds are never tuned on (COMMON rules): this only measures.  Same steps
as `diglot build` up to the alignment (read, clean, segment, tag, align), then
Vecalign's scores against `seeds/gold/`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    from diglot import corpus_writer
    from diglot.align.evaluate import score
    from diglot.pipeline import LanguageTagger, align_pair, clean, pairs_to_align, read_seeds, segment, tag

    seeds = ROOT / "seeds"
    manifest, items = read_seeds(seeds)
    tagger = LanguageTagger(sorted({s.entry.lang for s in items} | set(manifest.contact_languages)))
    docs = [tag(segment(clean(s, tagger)), tagger) for s in items]
    gold = corpus_writer.read_gold(seeds, manifest, docs)
    out = {}
    for src, tgt in pairs_to_align(docs):
        pred = align_pair((src, tgt, manifest.embedder))
        g = [(b.src, b.tgt) for b in gold if (b.src_doc, b.tgt_doc) == (src.doc_id, tgt.doc_id)]
        if g:
            s = score([(g, [(b.src, b.tgt) for b in pred])])
            out[f"{src.doc_id}~{tgt.doc_id}"] = {k: round(v, 4) for k, v in s.as_dict().items()}
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
