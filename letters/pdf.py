"""Rendering a letter to an accessible PDF (PDF/UA-1: tagged, with its language and title)."""

import hashlib
from dataclasses import dataclass

from django.template.loader import render_to_string

from familyfirst.pdf import html_to_pdf
from letters.content import letter_context


@dataclass(frozen=True)
class RenderedLetter:
    pdf: bytes
    sha256: str
    title: str


def letter_html(*, letter) -> tuple[str, str]:
    context = letter_context(letter=letter)
    return render_to_string("letters/letter.html", context), context["title"]


def letter_render(*, letter) -> RenderedLetter:
    html, title = letter_html(letter=letter)
    pdf = html_to_pdf(html)
    return RenderedLetter(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), title=title)


__all__ = ["RenderedLetter", "html_to_pdf", "letter_html", "letter_render"]
