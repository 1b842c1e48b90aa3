"""Rendering a letter to an accessible PDF (PDF/UA-1: tagged, with its language and title)."""

import hashlib
from dataclasses import dataclass

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from letters.content import letter_context

# Font discovery is the slowest part of a first render; one configuration per process.
_FONTS = FontConfiguration()


@dataclass(frozen=True)
class RenderedLetter:
    pdf: bytes
    sha256: str
    title: str


def letter_html(*, letter) -> tuple[str, str]:
    context = letter_context(letter=letter)
    return render_to_string("letters/letter.html", context), context["title"]


def html_to_pdf(html: str) -> bytes:
    # The language (en-GB) and title come from the template's <html lang> and <title>.
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", font_config=_FONTS)


def letter_render(*, letter) -> RenderedLetter:
    html, title = letter_html(letter=letter)
    pdf = html_to_pdf(html)
    return RenderedLetter(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), title=title)
