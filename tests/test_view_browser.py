"""The side-by-side view in a real browser: Debian's headless chromium driven
by Playwright (never `playwright install`). Runs against the real corpus when
it has an `alignments` config, else against the synthetic sample corpus.

If chromium is missing this FAILS (it is not skipped): run tests/browser_setup.sh.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from diglot.load import corpus_dir
from diglot.view import render_html
from diglot.view.browser import launch, missing
from sample_corpus import write_sample_corpus


def _has_alignments(root: Path) -> bool:
    return any((root / "alignments").glob("*.parquet"))


@pytest.fixture(scope="module")
def browser():
    problem = missing()
    if problem:
        pytest.fail(f"browser test cannot run: {problem}", pytrace=False)
    with launch() as b:
        yield b


@pytest.fixture(scope="module")
def sample_corpus(tmp_path_factory):
    return write_sample_corpus(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def corpus_under_test(sample_corpus, record_testsuite_property):
    real = corpus_dir()
    root = real if _has_alignments(real) else sample_corpus
    record_testsuite_property("view_corpus", str(root))
    print(f"view browser test corpus: {root}")
    return root


def _beads(root: Path, pair: str) -> list[dict]:
    import polars as pl

    from diglot import load

    return load("alignments", backend="polars", path=root).filter(pl.col("pair") == pair).to_dicts()


class Page:
    """A loaded view, recording console errors and every network request."""

    def __init__(self, browser, root: Path, tmp_path: Path, pair: str | None = None):
        self.html = render_html(root, pair)
        self.file = tmp_path / "view.html"
        self.file.write_text(self.html, encoding="utf-8")
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(self.file.as_uri(), wait_until="load")
        self.pair = self.page.locator("body").get_attribute("data-pair")

    def visible(self) -> int:
        return self.page.locator("tr.bead:visible").count()

    def shown(self) -> int:
        return int(self.page.locator("#shown-count").inner_text())

    def set_min(self, column: str, value: float) -> None:
        # a range input cannot be typed into: set it and fire `input` as a drag would
        self.page.locator(f"#min-{column}").evaluate(
            "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', {bubbles: true})); }", value
        )

    def set_min_score(self, value: float) -> None:
        self.set_min("score", value)

    def close(self):
        self.context.close()


@pytest.fixture
def view(browser, corpus_under_test, tmp_path):
    page = Page(browser, corpus_under_test, tmp_path)
    yield page
    page.close()


@pytest.fixture
def sample_view(browser, sample_corpus, tmp_path):
    page = Page(browser, sample_corpus, tmp_path)
    yield page
    page.close()


def test_loads_cleanly_one_row_per_bead(view, corpus_under_test):
    beads = _beads(corpus_under_test, view.pair)
    assert beads
    assert view.errors == []
    # self-contained: the page itself is the only request
    assert view.requests == [view.file.as_uri()]
    rows = view.page.locator("tr.bead")
    assert rows.count() == len(beads) == view.visible() == view.shown()
    ids = rows.evaluate_all("rs => rs.map(r => r.dataset.beadId)")
    assert sorted(ids) == sorted(b["bead_id"] for b in beads)
    # every cell is tagged with its document's language
    langs = view.page.locator("td.src, td.tgt").evaluate_all("cs => [...new Set(cs.map(c => c.lang))]")
    assert sorted(langs) == sorted(set(view.pair.split("-")))


def test_filters_hide_rows(view, corpus_under_test):
    beads = _beads(corpus_under_test, view.pair)
    scores = sorted(b["score"] for b in beads)
    threshold = scores[len(scores) // 2]  # a score that occurs: rows at exactly it stay visible
    expected = sum(b["score"] >= threshold for b in beads)
    view.set_min_score(threshold)
    assert view.visible() == view.shown() == expected
    assert view.visible() < len(beads) or scores[0] == threshold

    # uncheck the most common bead type with a real click
    counts: dict[str, int] = {}
    for b in beads:
        counts[b["bead"]] = counts.get(b["bead"], 0) + 1
    common = max(counts, key=counts.get)
    view.page.locator(f'input.bead-type[value="{common}"]').uncheck()
    assert view.visible() == view.shown() == sum(b["score"] >= threshold and b["bead"] != common for b in beads)
    visible_types = view.page.locator("tr.bead:visible").evaluate_all("rs => rs.map(r => r.dataset.bead)")
    assert common not in visible_types

    view.set_min_score(0)
    assert view.visible() == len(beads) - counts[common]
    view.page.locator(f'input.bead-type[value="{common}"]').check()
    assert view.visible() == len(beads)
    assert view.errors == []


def test_min_confidence_hides_rows_and_empty_passages(view, corpus_under_test):
    beads = _beads(corpus_under_test, view.pair)
    confidences = sorted(b["confidence"] for b in beads)
    threshold = confidences[len(confidences) // 2]  # one that occurs: rows at exactly it stay visible
    view.set_min("confidence", threshold)
    assert view.visible() == view.shown() == sum(b["confidence"] >= threshold for b in beads)
    assert view.page.locator("#min-confidence + output").inner_text() == f"{threshold:.2f}"
    shown = view.page.locator("tr.bead:visible").evaluate_all("rs => rs.map(r => Number(r.dataset.confidence))")
    assert shown and min(shown) >= threshold
    # a passage's heading shows exactly while one of its beads does
    for passage in view.page.locator("tbody.passage").all():
        assert passage.locator("tr.passage-head").is_visible() == (passage.locator("tr.bead:visible").count() > 0)
    # with the score filter as well, a row must pass both
    score = sorted(b["score"] for b in beads)[len(beads) // 3]
    view.set_min_score(score)
    assert view.visible() == sum(b["confidence"] >= threshold and b["score"] >= score for b in beads)
    view.set_min("confidence", 0)
    view.set_min_score(0)
    assert view.visible() == len(beads)
    assert view.errors == []


def test_one_sided_passages_look_apart_from_pairs(sample_view):
    page = sample_view.page
    passages = page.locator("tbody.passage")
    assert passages.count() >= 2
    head = passages.first.locator("tr.passage-head")
    assert head.is_visible() and head.inner_text().strip().startswith("only in ")
    # the side with text and the empty side are painted differently from a pair's cells
    backgrounds = page.evaluate("""() => {
        const bg = el => getComputedStyle(el).backgroundColor + getComputedStyle(el).backgroundImage;
        const p = document.querySelector('tbody.passage tr.bead');
        const side = p.closest('tbody').dataset.side, other = side === 'src' ? 'tgt' : 'src';
        const pair = document.querySelector('tbody:not(.passage) tr.bead');
        return [bg(p.querySelector('td.' + side)), bg(p.querySelector('td.' + other)), bg(pair.querySelector('td.src'))];
    }""")
    text_side, empty_side, pair_cell = backgrounds
    assert len({text_side, empty_side, pair_cell}) == 3, backgrounds
    assert sample_view.errors == []


def test_gold_differences_match_the_data(view, corpus_under_test):
    from diglot import load

    beads = _beads(corpus_under_test, view.pair)
    has_gold = any((corpus_under_test / "gold").glob("*.parquet"))
    gold = load("gold", backend="polars", path=corpus_under_test).to_dicts() if has_gold else []
    gold = [g for g in gold if g["pair"] == view.pair]
    gold_keys = {(tuple(g["src_ids"]), tuple(g["tgt_ids"])) for g in gold}
    covered = {s for g in gold for s in list(g["src_ids"]) + list(g["tgt_ids"])}
    expected = sorted(
        b["bead_id"]
        for b in beads
        if (tuple(b["src_ids"]), tuple(b["tgt_ids"])) not in gold_keys
        and any(s in covered for s in list(b["src_ids"]) + list(b["tgt_ids"]))
    )
    flagged = view.page.locator("tr.bead.gold-diff").evaluate_all("rs => rs.map(r => r.dataset.beadId)")
    assert sorted(flagged) == expected
    auto_keys = {(tuple(b["src_ids"]), tuple(b["tgt_ids"])) for b in beads}
    assert view.page.locator("tr.gold-only").count() == sum(k not in auto_keys for k in gold_keys)
    if gold:
        view.page.locator("#only-diff").check()
        assert view.visible() == view.shown() == len(expected)


def test_screenshot_not_blank(view, tmp_path):
    from PIL import Image

    png = view.page.screenshot(full_page=False)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (1280, 900)
    colours = image.getcolors(maxcolors=1 << 20)
    top = max(n for n, _ in colours)
    assert len(colours) > 100, f"only {len(colours)} colours: blank page?"
    assert top < 0.95 * image.size[0] * image.size[1]
    # text was actually laid out in both columns (not just a header)
    boxes = view.page.locator("tr.bead td.src, tr.bead td.tgt").evaluate_all(
        "cs => cs.slice(0, 6).map(c => c.getBoundingClientRect().height)"
    )
    assert boxes and min(boxes) > 5


def test_moved_links_go_both_ways(sample_view):
    page = sample_view.page
    moved = page.locator("tr.bead.moved")
    assert moved.count() >= 1
    bead_id = moved.first.get_attribute("data-bead-id")
    moved.first.locator("a.to-ghost").click()
    assert page.evaluate("location.hash") == f"#ghost-{bead_id}"
    ghost = page.locator(f'[id="ghost-{bead_id}"]')
    assert ghost.is_visible()
    ghost.click()
    assert page.evaluate("location.hash") == f"#row-{bead_id}"
    # a filtered-out row comes back when a link leads to it
    sample_view.set_min_score(1)
    assert sample_view.visible() == 0
    page.evaluate(f"location.hash = '#ghost-{bead_id}'")
    page.wait_for_function("document.querySelectorAll('tr.bead:not([hidden])').length === 1")
    assert sample_view.errors == []


def test_gold_and_moved_toggles(sample_view, sample_corpus):
    beads = _beads(sample_corpus, sample_view.pair)
    page = sample_view.page
    page.locator("#only-moved").check()
    assert sample_view.visible() == sum(b["monotonic"] is False for b in beads)
    page.locator("#only-moved").uncheck()
    page.locator("#only-diff").check()
    diff = page.locator("tr.bead:visible").evaluate_all("rs => rs.map(r => r.dataset.gold)")
    assert diff and set(diff) == {"diff"}
    assert sample_view.visible() == page.locator("tr.bead.gold-diff").count()


def test_hover_titles_and_fonts(sample_view):
    page = sample_view.page
    debris = page.locator("table.beads .debris")
    assert debris.count() >= 1
    assert "removed as debris" in debris.first.get_attribute("title")
    foreign = page.locator("span.foreign")
    assert foreign.count() >= 1 and foreign.first.get_attribute("lang")
    font = page.locator("td.tgt").first.evaluate("c => getComputedStyle(c).fontFamily")
    assert "Noto Sans Bengali" in font
