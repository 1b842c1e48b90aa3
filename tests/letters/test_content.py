"""Each outcome's letter, rendered to PDF and read back: its words, tags, language and title."""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from letters.models import Letter, LetterStatus
from letters.services import letter_job_work
from referrals.models import Outcome
from tests.letters.conftest import ANONYMOUS, PUBLIC

REPORT_DIR = Path(__file__).resolve().parents[2] / "test-results"

EXPECTED = {
    Outcome.ADVICE: [
        "Advice, information and guidance",
        "Family Information Service",
        "Nobody from children's services",
    ],
    Outcome.SINGLE_AGENCY: ["Single agency support", "your agency's own support"],
    Outcome.EARLY_SUPPORT_ASSESSMENT: ["Early Support Assessment led by", "You (your agency leads"],
    Outcome.EARLY_SUPPORT_REFERRAL: ["Referral for Early Support", "Rugby Family Help team"],
    Outcome.FAMILY_HELP_ASSESSMENT: [
        "Family Help Assessment",
        "Rugby Family Help team",
        "45 working days",
    ],
    Outcome.IMMEDIATE_PROTECTION: ["Immediate protection through the MACPT", "MACPT"],
}


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _rendered(consultation) -> Letter:
    letter = consultation.letters.get()
    letter_job_work(letter_id=letter.pk)
    letter.refresh_from_db()
    return letter


@pytest.mark.parametrize("outcome", list(EXPECTED))
def test_each_outcome_has_a_letter_that_says_what_was_agreed(decide, outcome):
    consultation = decide(outcome)

    letter = _rendered(consultation)

    text = _text(bytes(letter.pdf))
    for words in [
        "Family Connect",
        consultation.reference,
        "Priya Sharma, Oakfield Primary School",
        "Mia Dawson",
        "Date of birth",
        "Mia has arrived hungry",  # the concern as discussed
        "Spectrum of Support level",
        "Who will contact the family",
        "01926 414144",
        "If you disagree",
        *EXPECTED[outcome],
    ]:
        assert words in text, f"{words!r} missing from the {outcome} letter"
    consent = (
        "Consent was given by Claire Dawson"
        if outcome != Outcome.IMMEDIATE_PROTECTION
        else "without consent"
    )
    assert consent in text


def test_a_member_of_the_public_gets_no_third_party_detail(decide):
    consultation = decide(Outcome.EARLY_SUPPORT_REFERRAL, caller=PUBLIC)

    letter = _rendered(consultation)

    text = _text(bytes(letter.pdf))
    assert "To Dennis Hart" in text
    assert "Mia Dawson" in text and "Referral for Early Support" in text
    for third_party in ["Gary Pike", "hungry", "Claire Dawson", "after discussion"]:
        assert third_party not in text
    assert "does not repeat details about other people" in text


def test_an_anonymous_caller_gets_no_letter_and_the_reason_is_recorded(decide):
    consultation = decide(Outcome.ADVICE, caller=ANONYMOUS)

    letter = consultation.letters.get()

    assert letter.status == LetterStatus.NOT_SENT
    assert "anonymous" in letter.status_reason
    assert letter_job_work(letter_id=letter.pk).outcome == "nothing to do"
    assert letter.emails.count() == 0


def test_two_children_each_get_their_own_section(decide):
    consultation = decide(Outcome.ADVICE, children=("child", "teenager"))

    text = _text(bytes(_rendered(consultation).pdf))

    assert "Mia Dawson" in text and "Leo Dawson" in text


def test_the_pdf_is_tagged_in_british_english_with_a_title(decide):
    letter = _rendered(decide(Outcome.FAMILY_HELP_ASSESSMENT))

    with pikepdf.open(io.BytesIO(bytes(letter.pdf))) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.docinfo["/Title"]) == letter.title
        with pdf.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1"
    assert letter.title == f"Consultation feedback letter {letter.consultation.reference}"


def test_a_page_of_the_letter_is_attached_to_the_test_report_as_png(decide, record_property):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    letter = _rendered(decide(Outcome.FAMILY_HELP_ASSESSMENT))
    REPORT_DIR.mkdir(exist_ok=True)
    pdf_path = REPORT_DIR / "letter-family-help.pdf"
    pdf_path.write_bytes(bytes(letter.pdf))

    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf_path),
            str(REPORT_DIR / "letter-family-help-page-1"),
        ],
        check=True,
    )

    png = REPORT_DIR / "letter-family-help-page-1.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 5_000
    record_property("letter_png", str(png))
    print(f"Letter page 1 rendered to {png}")


def _pages_by_pdftotext(pdf: bytes, tmp_path) -> list[str]:
    """The letter as poppler's pdftotext reads it, one string per page (pages split at \\f)."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [re.sub(r"\s+", " ", page).strip() for page in out.split("\f") if page.strip()]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_letter_reads_as_a_letter_with_next_steps_once_and_no_rule_text(
    decide, practitioner, tmp_path
):
    practitioner.phone = "01926 555 0101"
    practitioner.save(update_fields=["phone"])
    consultation = decide(Outcome.ADVICE, children=("child", "teenager"))

    pages = _pages_by_pdftotext(bytes(_rendered(consultation).pdf), tmp_path)
    text = " ".join(pages)

    assert "Dear " in text
    assert "Direct line 01926 555 0101" in text
    # The same team and next steps for both children: said once, not per child.
    assert text.count("Contact: ") == 1
    assert text.count("We gave advice, information and guidance") == 1
    assert "at least" not in text and "framework's rule" not in text
    # No page holds only the sign-off (the footer line aside).
    for page in pages:
        body = re.sub(r"FC-\d{4}-\d+ · page \d+ of \d+", "", page).strip()
        assert not body.startswith("Yours sincerely"), page
