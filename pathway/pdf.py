"""The family's copy of a signed-off assessment as an accessible PDF (PDF/UA-1, through
``familyfirst.pdf``): plain language, the family's own words as theirs, no internal codes."""

import hashlib

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from familyfirst.pdf import html_to_pdf
from pathway.models import AssessmentVersion
from pathway.selectors import version_content


def family_copy_html(*, version: AssessmentVersion) -> str:
    assessment = version.assessment
    children = list(assessment.children.all())
    content = version_content(version=version)
    return render_to_string(
        "pathway/pdf/family_copy.html",
        {
            "title": f"Your {assessment.get_kind_display()}",
            "assessment": assessment,
            "version": version,
            "children": children,
            "content": content,
            "signed_on": timezone.localdate(version.signed_off_at),
            "service_name": settings.SERVICE_NAME,
        },
    )


def family_copy_render(*, version: AssessmentVersion) -> tuple[bytes, str]:
    pdf = html_to_pdf(family_copy_html(version=version))
    return pdf, hashlib.sha256(pdf).hexdigest()
