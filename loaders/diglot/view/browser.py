"""Drive Debian's headless chromium with Playwright (used by the browser test
and to regenerate docs/view.png). Never downloads a browser.

    python -m diglot.view.browser docs/view.png [--corpus PATH] [--pair it-bn]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

from diglot.errors import DiglotError

CHROMIUM = os.environ.get("DIGLOT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SETUP_HINT = "run `sh tests/browser_setup.sh` (installs Debian's chromium and the playwright package)"


def missing() -> str | None:
    """Why the browser cannot be started, or None."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"chromium not found at {CHROMIUM}: {SETUP_HINT}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return f"the Python package `playwright` is not installed: {SETUP_HINT}"
    return None


@contextlib.contextmanager
def launch():
    """Yield a Playwright `Browser` running /usr/bin/chromium headless."""
    problem = missing()
    if problem:
        raise DiglotError(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(html: str, png: str | os.PathLike, *, width: int = 1280, height: int = 860) -> Path:
    """Write a viewport screenshot of `html` (loaded from a temporary file) to `png`."""
    png = Path(png)
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "view.html"
        page_file.write_text(html, encoding="utf-8")
        with launch() as browser:
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            png.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(png))
            page.close()
    return png


def main(argv: list[str] | None = None) -> int:
    from diglot.view import render_html

    parser = argparse.ArgumentParser(prog="python -m diglot.view.browser", description="screenshot the view")
    parser.add_argument("png", help="where to write the PNG, e.g. docs/view.png")
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--pair", default=None)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=860)
    args = parser.parse_args(argv)
    try:
        out = screenshot(render_html(args.corpus, args.pair), args.png, width=args.width, height=args.height)
    except DiglotError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
