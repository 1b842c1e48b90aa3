"""HTML to an accessible PDF (PDF/UA-1: tagged, with its language and title), for any app that
renders a document for people outside the service: the feedback letters (letters/), the family's
copy of an assessment (pathway/) and the plan (plans/).

WeasyPrint is imported on the first render, not at start-up: importing it takes about two seconds
(fontTools, its CSS engine), which every web, worker and management-command process paid before
it had anything to render."""

from functools import cache


@cache
def _weasyprint():
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    # Font discovery is the slowest part of a first render; one configuration per process.
    return HTML, FontConfiguration()


def html_to_pdf(html: str) -> bytes:
    # The language (en-GB) and title come from the template's <html lang> and <title>.
    html_class, fonts = _weasyprint()
    return html_class(string=html).write_pdf(pdf_variant="pdf/ua-1", font_config=fonts)
