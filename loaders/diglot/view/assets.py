"""Inline CSS and JS of the view (kept as strings so the HTML is self-contained)."""

from __future__ import annotations

# font stacks per ISO 15924 script: installed system fonts only, nothing is downloaded
FONT_STACKS = {
    "Latn": '"Noto Sans", "DejaVu Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    "Cyrl": '"Noto Sans", "DejaVu Sans", "Segoe UI", Roboto, Arial, sans-serif',
    "Grek": '"Noto Sans", "DejaVu Sans", "Segoe UI", Roboto, Arial, sans-serif',
    "Beng": '"Noto Sans Bengali", "Noto Serif Bengali", "Lohit Bengali", "Mukti Narrow", "Shonar Bangla", '
    '"Vrinda", "Kohinoor Bangla", "Bangla Sangam MN", sans-serif',
    "Deva": '"Noto Sans Devanagari", "Lohit Devanagari", "Mangal", "Kohinoor Devanagari", sans-serif',
    "Guru": '"Noto Sans Gurmukhi", "Lohit Gurmukhi", "Raavi", sans-serif',
    "Gujr": '"Noto Sans Gujarati", "Lohit Gujarati", "Shruti", sans-serif',
    "Orya": '"Noto Sans Oriya", "Lohit Odia", "Kalinga", sans-serif',
    "Taml": '"Noto Sans Tamil", "Lohit Tamil", "Latha", "Tamil Sangam MN", sans-serif',
    "Telu": '"Noto Sans Telugu", "Lohit Telugu", "Gautami", sans-serif',
    "Knda": '"Noto Sans Kannada", "Lohit Kannada", "Tunga", sans-serif',
    "Mlym": '"Noto Sans Malayalam", "Lohit Malayalam", "Kartika", sans-serif',
    "Sinh": '"Noto Sans Sinhala", "Iskoola Pota", sans-serif',
    "Thai": '"Noto Sans Thai", "Leelawadee UI", "Thonburi", sans-serif',
    "Arab": '"Noto Naskh Arabic", "Noto Sans Arabic", "Segoe UI", "Geeza Pro", Arial, sans-serif',
    "Hebr": '"Noto Sans Hebrew", "Arial Hebrew", "Segoe UI", Arial, sans-serif',
    "Ethi": '"Noto Sans Ethiopic", "Abyssinica SIL", "Nyala", sans-serif',
    "Hans": '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif',
    "Hant": '"Noto Sans CJK TC", "Noto Sans TC", "Microsoft JhengHei", "PingFang TC", sans-serif',
    "Jpan": '"Noto Sans CJK JP", "Noto Sans JP", "Yu Gothic", "Hiragino Sans", sans-serif',
    "Kore": '"Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", sans-serif',
}
DEFAULT_STACK = 'system-ui, "Noto Sans", "DejaVu Sans", "Segoe UI", Roboto, Arial, sans-serif'
RTL_SCRIPTS = {"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr"}


def font_css() -> str:
    return "\n".join(f'[data-script="{script}"] {{ font-family: {stack}; }}' for script, stack in FONT_STACKS.items())


CSS = """
:root { --border: #d6d9de; --muted: #5f6670; --moved: #7b4fd0; --diff: #d9480f; --bg-alt: #f7f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font-family: %(default)s; color: #1d2127; background: #fff; line-height: 1.45; }
header.top { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--border);
  padding: .6rem 1rem; }
header.top h1 { font-size: 1.15rem; margin: 0 0 .25rem; }
header.top .summary { color: var(--muted); font-size: .85rem; margin: 0 0 .4rem; }
form#filters { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; align-items: center; font-size: .85rem; }
form#filters fieldset { border: 0; margin: 0; padding: 0; display: flex; gap: .6rem; align-items: center; }
form#filters legend { float: left; margin-right: .4rem; color: var(--muted); }
form#filters input[type=range] { width: 12rem; vertical-align: middle; }
.count { font-weight: 600; }
main { padding: .5rem 1rem 2rem; }
section.docpair h2 { font-size: 1rem; margin: 1rem 0 .3rem; }
details.docinfo { font-size: .82rem; color: var(--muted); margin: 0 0 .5rem; }
details.docinfo ul { margin: .2rem 0; }
table.beads { width: 100%%; border-collapse: collapse; table-layout: fixed; }
table.beads th, table.beads td { border-bottom: 1px solid var(--border); padding: .35rem .5rem; vertical-align: top; }
table.beads th { text-align: start; font-size: .8rem; color: var(--muted); font-weight: 600; background: var(--bg-alt); }
col.c-num { width: 3rem; } col.c-meta { width: 7.5rem; }
td.num { color: var(--muted); font-size: .75rem; text-align: end; }
td.num a { color: inherit; text-decoration: none; }
td.meta { font-size: .78rem; text-align: center; }
.bead-type { display: inline-block; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-weight: 600;
  padding: 0 .3rem; border: 1px solid var(--border); border-radius: 3px; }
.score { display: block; margin-top: .2rem; font-variant-numeric: tabular-nums; }
.scorebar { display: block; height: 4px; background: #e9ecef; border-radius: 2px; margin-top: .15rem; overflow: hidden; }
.scorebar > span { display: block; height: 100%%; }
.badge { display: inline-block; margin-top: .25rem; padding: 0 .3rem; border-radius: 3px; font-size: .7rem; color: #fff; }
.badge.moved { background: var(--moved); }
.badge.diff { background: var(--diff); }
tr.bead[hidden] { display: none; }
tr.bead.moved td.src, tr.bead.moved td.tgt { box-shadow: inset 3px 0 0 var(--moved); }
tr.bead.gold-diff { background: #fff4e6; }
tr.bead.gold-diff td.num { box-shadow: inset 4px 0 0 var(--diff); }
tr.bead:target, .sent:target, .ghost:target { outline: 2px solid #1c7ed6; outline-offset: -2px; }
.sent { display: inline; border-radius: 2px; }
.sent:hover { background: #f1f3f5; }
.sent + .sent::before { content: "\\2502\\00a0"; color: #ced4da; }
tr.bead, .sent, .ghost { scroll-margin-top: 9rem; }
th .doc-title { display: block; font-weight: 400; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.sent.title { font-weight: 700; }
.sent.foreign-sentence { background: #e7f5ff; text-decoration: underline dotted #1c7ed6; }
.foreign { background: #e7f5ff; border-bottom: 1px dotted #1c7ed6; }
.none { color: var(--muted); font-style: italic; font-size: .85rem; }
.confidence { display: block; margin-top: .2rem; font-variant-numeric: tabular-nums; }
tbody.passage[hidden] { display: none; }
tbody.passage { --only: #e6f4ea; }
tbody.passage tr.passage-head td { border-bottom: 0; padding: .5rem .5rem .1rem; font-size: .78rem; font-weight: 600;
  color: #2b6a3f; letter-spacing: .02em; }
tbody.passage tr.bead td { border-bottom: 0; }
tbody.passage tr.bead:last-child td { border-bottom: 1px solid var(--border); }
tbody.passage[data-side=src] td.src, tbody.passage[data-side=tgt] td.tgt { background: var(--only); }
tbody.passage[data-side=src] td.tgt, tbody.passage[data-side=tgt] td.src {
  background: repeating-linear-gradient(135deg, transparent 0 6px, #f1f3f5 6px 8px); }
tbody.passage[data-side=src] tr.passage-head td:nth-child(2) { text-align: start; }
tbody.passage[data-side=tgt] tr.passage-head td:nth-child(2) { text-align: end; }
.sw.passage { background: #e6f4ea; border: 1px solid #2b6a3f; }
.debris { display: block; margin: .15rem 0; padding: 0 .3rem; font-size: .75rem; color: #862e9c;
  background: #f8f0fc; border: 1px dashed #cc5de8; border-radius: 3px; cursor: help; width: fit-content; }
.partner, .ghost { font-size: .75rem; color: var(--moved); }
.ghost { display: block; margin: .15rem 0; padding: 0 .3rem; border: 1px dashed var(--moved); border-radius: 3px;
  width: fit-content; text-decoration: none; }
table.gold-missing { width: 100%%; border-collapse: collapse; table-layout: fixed; font-size: .85rem; }
table.gold-missing td, table.gold-missing th { border-bottom: 1px solid var(--border); padding: .25rem .5rem; vertical-align: top; }
.legend { font-size: .78rem; color: var(--muted); margin-top: .3rem; }
.legend span { margin-right: 1rem; }
.sw { display: inline-block; width: .8rem; height: .8rem; vertical-align: middle; margin-right: .25rem; border-radius: 2px; }
""" % {"default": DEFAULT_STACK}

JS = """
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.bead"));
  var minimums = Array.prototype.slice.call(document.querySelectorAll("input.minimum"));
  var passages = Array.prototype.slice.call(document.querySelectorAll("tbody.passage"));
  var shown = document.getElementById("shown-count");
  var onlyDiff = document.getElementById("only-diff");
  var onlyMoved = document.getElementById("only-moved");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input.bead-type"));
  function least(input) {
    var value = parseFloat(input.value);
    return isNaN(value) ? 0 : value;
  }
  // a passage's heading shows while any of its beads does
  function headings() {
    passages.forEach(function (p) { p.hidden = p.querySelector("tr.bead:not([hidden])") === null; });
  }
  function apply() {
    var types = {};
    boxes.forEach(function (b) { if (b.checked) { types[b.value] = true; } });
    var n = 0;
    rows.forEach(function (r) {
      var show = minimums.every(function (m) { return parseFloat(r.dataset[m.dataset.column]) >= least(m); })
        && types[r.dataset.bead] === true
        && (!onlyDiff.checked || r.dataset.gold === "diff")
        && (!onlyMoved.checked || r.dataset.moved === "1");
      r.hidden = !show;
      if (show) { n += 1; }
    });
    shown.textContent = String(n);
    minimums.forEach(function (m) { m.nextElementSibling.textContent = least(m).toFixed(2); });
    headings();
  }
  // following a link to a filtered-out row shows it again
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    var row = el ? el.closest("tr.bead") : null;
    if (row && row.hidden) {
      row.hidden = false;
      shown.textContent = String(Number(shown.textContent) + 1);
      headings();
    }
  }
  minimums.forEach(function (m) { m.addEventListener("input", apply); });
  document.getElementById("filters").addEventListener("change", apply);
  window.addEventListener("hashchange", reveal);
  apply();
})();
"""
