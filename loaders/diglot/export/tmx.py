"""TMX 1.4b: one translation unit per bead, written with xml.etree.

    <?xml version='1.0' encoding='UTF-8'?>
    <!DOCTYPE tmx SYSTEM "tmx14.dtd">
    <tmx version="1.4">
      <header creationtool="diglot" creationtoolversion="..." segtype="sentence"
              o-tmf="diglot-parquet" adminlang="en" srclang="it" datatype="plaintext"/>
      <body>
        <tu tuid="it-bn:0001">
          <prop type="x-score">0.93</prop><prop type="x-confidence">0.97</prop><prop type="x-bead">1-1</prop>
          <tuv xml:lang="it"><seg>...</seg></tuv>
          <tuv xml:lang="bn"><seg>...</seg></tuv>
        </tu>
      </body>
    </tmx>

XML cannot carry every Unicode character: a segment holding one that XML 1.0
forbids (most C0 controls, U+FFFE, U+FFFF, lone surrogates) is refused with
an error naming the bead.  Carriage returns become line feeds, as any XML
parser would make them on reading.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Sequence

from diglot.errors import DiglotError
from diglot.export import Pair

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
# Characters outside the XML 1.0 `Char` production.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CR = re.compile("\r\n?")


def segment_text(text: str, bead_id: str) -> str:
    bad = _NOT_XML.search(text)
    if bad:
        raise DiglotError(f"bead {bead_id}: text holds U+{ord(bad.group()):04X} at character {bad.start()}, "
                          "which XML 1.0 cannot carry; export this bead as jsonl or tsv instead")
    return _CR.sub("\n", text)


def build(pairs: Sequence[Pair]) -> ET.ElementTree:
    from diglot import __version__

    src_lang = pairs[0].src_lang
    root = ET.Element("tmx", {"version": "1.4"})
    ET.SubElement(root, "header", {
        "creationtool": "diglot",
        "creationtoolversion": __version__,
        "segtype": "sentence",
        "o-tmf": "diglot-parquet",
        "adminlang": "en",
        "srclang": src_lang,
        "datatype": "plaintext",
    })
    body = ET.SubElement(root, "body")
    for p in pairs:
        tu = ET.SubElement(body, "tu", {"tuid": p.bead_id, "srclang": p.src_lang})
        for kind, value in (("x-score", p.score), ("x-confidence", p.confidence)):
            if value is not None:
                ET.SubElement(tu, "prop", {"type": kind}).text = repr(value)
        ET.SubElement(tu, "prop", {"type": "x-bead"}).text = p.bead
        for lang, text in ((p.src_lang, p.src), (p.tgt_lang, p.tgt)):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = segment_text(text, p.bead_id)
    ET.indent(root, space="  ")
    return ET.ElementTree(root)


def write(pairs: Sequence[Pair], out: Path, *, stem: str) -> list[Path]:
    tree = build(pairs)
    path = out / f"{stem}.tmx"
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(b"<?xml version='1.0' encoding='UTF-8'?>\n" + DOCTYPE.encode() + b"\n")
        tree.write(handle, encoding="utf-8", xml_declaration=False)
        handle.write(b"\n")
    tmp.replace(path)
    return [path]


def read(path: str | Path) -> list[dict]:
    """Translation units as {tuid, props, segs: {lang: text}}."""
    units = []
    for tu in ET.parse(path).getroot().iter("tu"):
        units.append({
            "tuid": tu.get("tuid"),
            "props": {prop.get("type"): prop.text for prop in tu.findall("prop")},
            "segs": {tuv.get(XML_LANG): tuv.findtext("seg") or "" for tuv in tu.findall("tuv")},
        })
    return units
