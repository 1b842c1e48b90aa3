"""What someone typed as a UK postcode: a full postcode, or the start of one.

Format only; whether a postcode exists, and where, is for the ONS Postcode Directory (selectors).
No library is used: the small PyPI validators are unmaintained and no better than the
government's bulk-data pattern, which the directory then backs with the real list.
"""

import re
from dataclasses import dataclass

# STATUTORY.md §5.3, the government bulk-data pattern. Its alternation binds loosely ("^A|B$"),
# so it is only ever used with fullmatch.
FULL_POSTCODE = re.compile(
    r"^([Gg][Ii][Rr] 0[Aa]{2})|((([A-Za-z][0-9]{1,2})|(([A-Za-z][A-Ha-hJ-Yj-y][0-9]{1,2})"
    r"|(([A-Za-z][0-9][A-Za-z])|([A-Za-z][A-Ha-hJ-Yj-y][0-9]?[A-Za-z])))) [0-9][A-Za-z]{2})$"
)
# The outward half of the same pattern, for partial postcodes.
OUTWARD_CODE = re.compile(
    r"[A-Z][0-9]{1,2}|[A-Z][A-HJ-Y][0-9]{1,2}|[A-Z][0-9][A-Z]|[A-Z][A-HJ-Y][0-9]?[A-Z]|GIR"
)
# The start of an inward half: the sector digit, perhaps the first unit letter.
PARTIAL_INWARD = re.compile(r"([0-9][A-Z]?)?")

EXAMPLE = "CV34 4RL"
ENTER_A_POSTCODE = f"Enter a postcode, like {EXAMPLE}"
ENTER_A_REAL_POSTCODE = (
    f"Enter a real postcode, like {EXAMPLE}, or the first part of one, like CV34"
)


class PostcodeInvalid(ValueError):
    """What was typed cannot be a postcode or the start of one. str() is the message to show."""


@dataclass(frozen=True)
class PostcodeQuery:
    outward_code: str
    inward: str  # "" for an outward code alone, "2" for a sector, "2A" partial, "2AB" full

    @property
    def text(self) -> str:
        return f"{self.outward_code} {self.inward}".strip()

    @property
    def is_full(self) -> bool:
        return len(self.inward) == 3

    @property
    def sector(self) -> str:
        return f"{self.outward_code} {self.inward[0]}" if self.inward else ""

    @property
    def unit(self) -> str:
        return self.inward[1:]


def postcode_parse(text: str) -> PostcodeQuery:
    """Read "cv21 2ab", "CV212AB", "CV21 2", "cv21": upper case, extra spaces ignored.

    A space the user typed between the halves is respected, so "CV21 AB" is an error rather
    than CV2 1AB, a Coventry postcode. Without a space, "CV21" is read as the outward code CV21
    (not CV2, sector 1): the longest outward code that leaves a valid start of an inward half.
    """
    words = (text or "").upper().split()
    compact = "".join(words)
    if not compact:
        raise PostcodeInvalid(ENTER_A_POSTCODE)
    if len(words) > 2 or len(compact) > 7 or not compact.isascii() or not compact.isalnum():
        raise PostcodeInvalid(ENTER_A_REAL_POSTCODE)
    if len(words) == 2:
        splits = [(words[0], words[1])]
    else:
        splits = [(compact[:-3], compact[-3:])] if len(compact) >= 5 else []
        splits += [(compact[:size], compact[size:]) for size in (4, 3, 2) if size <= len(compact)]
    for outward, inward in splits:
        if len(inward) == 3 and FULL_POSTCODE.fullmatch(f"{outward} {inward}"):
            return PostcodeQuery(outward_code=outward, inward=inward)
        if OUTWARD_CODE.fullmatch(outward) and PARTIAL_INWARD.fullmatch(inward):
            return PostcodeQuery(outward_code=outward, inward=inward)
    raise PostcodeInvalid(ENTER_A_REAL_POSTCODE)
