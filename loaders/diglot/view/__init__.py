"""Side-by-side HTML view of the aligned corpus (`diglot view`)."""

from diglot.view.render import render_html

__all__ = ["render_html"]
