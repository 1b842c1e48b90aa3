"""HTML to an accessible PDF (PDF/UA-1: tagged, with its language and title), for any app that
renders a document for people outside the service: the feedback letters (letters/), the family's
copy of an assessment (pathway/) and the plan (plans/)."""

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

# Font discovery is the slowest part of a first render; one configuration per process.
_FONTS = FontConfiguration()


def html_to_pdf(html: str) -> bytes:
    # The language (en-GB) and title come from the template's <html lang> and <title>.
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", font_config=_FONTS)
