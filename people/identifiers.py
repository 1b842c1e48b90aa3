"""Identifiers and contact details: validate, normalise and format (STATUTORY.md §5.3).

Each ``*_normalise`` returns the stored form or raises ``django.core.exceptions.ValidationError``
with the message shown beside the field, so forms, the API and services all say the same thing.
"""

import re

import nhs_number
from django.core.exceptions import ValidationError
from stdnum.gb import upn as stdnum_upn

NHS_NUMBER_MESSAGE = "Enter a valid NHS number, like 485 777 3456"
UPN_MESSAGE = "Enter a valid UPN: a check letter and 12 more characters, like A801200005001"
LA_CHILD_ID_MESSAGE = "Enter a local child ID of up to 20 letters and numbers"
POSTCODE_MESSAGE = "Enter a real postcode, like CV34 4RL"
PARTIAL_POSTCODE_MESSAGE = "Enter a full postcode, like CV34 4RL, or the first part, like CV34"
PHONE_MESSAGE = "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"

_SEPARATORS = re.compile(r"[\s\-–.()/]")

# The government bulk-data pattern (STATUTORY.md §5.3), applied to "OUTWARD INWARD".
_POSTCODE = re.compile(
    r"^(GIR 0AA|(([A-Z][0-9]{1,2})|([A-Z][A-HJ-Y][0-9]{1,2})|([A-Z][0-9][A-Z])"
    r"|([A-Z][A-HJ-Y][0-9]?[A-Z])) [0-9][A-Z]{2})$"
)
_OUTWARD = re.compile(
    r"^(([A-Z][0-9]{1,2})|([A-Z][A-HJ-Y][0-9]{1,2})|([A-Z][0-9][A-Z])|([A-Z][A-HJ-Y][0-9]?[A-Z]))$"
)

# LA codes created after python-stdnum's list was drawn up (Dorset, BCP, the Northamptonshire
# and Cumbria unitaries); STATUTORY.md asks for any valid DfE LA code.
_NEWER_LA_CODES = {838, 839, 940, 941, 942, 943}


def nhs_number_normalise(value: str) -> str:
    """Ten digits, modulus 11 check digit (the nhs-number library)."""
    digits = _SEPARATORS.sub("", value or "")
    if not (len(digits) == 10 and digits.isdigit() and nhs_number.is_valid(digits)):
        raise ValidationError(NHS_NUMBER_MESSAGE, code="invalid_nhs_number")
    return digits


def nhs_number_format(value: str) -> str:
    return f"{value[:3]} {value[3:6]} {value[6:]}" if len(value) == 10 else value


def upn_normalise(value: str) -> str:
    """Check letter (python-stdnum's gb.upn algorithm), LA code, 8 digits, digit or letter."""
    upn = _SEPARATORS.sub("", value or "").upper()
    if not re.fullmatch(r"[A-Z]\d{11}[0-9A-HJ-NP-RT-Z]", upn):
        raise ValidationError(UPN_MESSAGE, code="invalid_upn")
    la_code = int(upn[1:4])
    if la_code not in stdnum_upn._la_numbers and la_code not in _NEWER_LA_CODES:
        raise ValidationError(UPN_MESSAGE, code="invalid_upn")
    if stdnum_upn.calc_check_digit(upn[1:]) != upn[0]:
        raise ValidationError(UPN_MESSAGE, code="invalid_upn")
    return upn


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it; used to make valid test UPNs."""
    return stdnum_upn.calc_check_digit(body.upper())


def la_child_id_normalise(value: str) -> str:
    child_id = (value or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9]{1,20}", child_id):
        raise ValidationError(LA_CHILD_ID_MESSAGE, code="invalid_la_child_id")
    return child_id


def postcode_normalise(value: str) -> str:
    """A full UK postcode as "OUTWARD INWARD" in capitals, e.g. "cv344rl" -> "CV34 4RL"."""
    compact = re.sub(r"\s", "", value or "").upper()
    candidate = f"{compact[:-3]} {compact[-3:]}" if len(compact) >= 5 else compact
    if not _POSTCODE.match(candidate):
        raise ValidationError(POSTCODE_MESSAGE, code="invalid_postcode")
    return candidate


def postcode_outward(postcode: str) -> str:
    return postcode.split(" ")[0]


def postcode_query_normalise(value: str) -> tuple[str, str]:
    """A search postcode: ("FULL", "CV34 4RL") or ("OUTWARD", "CV34")."""
    compact = re.sub(r"\s", "", value or "").upper()
    if _OUTWARD.match(compact):
        return "OUTWARD", compact
    try:
        return "FULL", postcode_normalise(compact)
    except ValidationError:
        raise ValidationError(PARTIAL_POSTCODE_MESSAGE, code="invalid_postcode") from None


def phone_normalise(value: str) -> str:
    """E.164. UK numbers may be written nationally (07700 900982) or with +44 / 0044."""
    raw = (value or "").strip()
    digits = _SEPARATORS.sub("", raw)
    if digits.startswith("+"):
        digits = "00" + digits[1:]
    if not digits.isdigit():
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
    if digits.startswith("0044"):
        digits = "0" + digits[4:].removeprefix("0")
    elif digits.startswith("00"):
        international = digits[2:]
        if not 7 <= len(international) <= 15:
            raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
        return "+" + international
    if not (digits.startswith("0") and len(digits) in (10, 11) and digits[1] != "0"):
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
    return "+44" + digits[1:]


def phone_format(normalised: str) -> str:
    """National format for UK numbers: +447700900982 -> 07700 900982."""
    if normalised.startswith("+44"):
        national = "0" + normalised[3:]
        return f"{national[:5]} {national[5:]}"
    return normalised
