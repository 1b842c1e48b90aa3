"""Name handling for search: normalisation, nicknames and the scoring measures.

``name_normalise`` is the one definition of the stored search columns and of the query terms.
``trigram_similarity`` follows pg_trgm's ``similarity()`` (words padded with two spaces before
and one after, Jaccard of the trigram sets) so SQLite scoring matches PostgreSQL's. ``soundex``
is the SQLite stand-in for fuzzystrmatch's ``dmetaphone``.
"""

import re
import unicodedata
from functools import cache
from pathlib import Path

NICKNAMES_FILE = Path(__file__).parent / "data" / "nicknames.csv"

# Letters that NFKD does not decompose into a base letter and an accent.
_SPECIAL_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


def name_normalise(value: str) -> str:
    """Lower case, no accents, apostrophes dropped, hyphens and other punctuation as spaces."""
    text = (value or "").strip().lower().translate(_SPECIAL_LETTERS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return text.strip()


@cache
def _nickname_groups() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for line in NICKNAMES_FILE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        names = {name_normalise(name) for name in line.split(",") if name.strip()}
        for name in names:
            groups.setdefault(name, set()).update(names)
    return {name: frozenset(group) for name, group in groups.items()}


def name_variants(given_norm: str) -> frozenset[str]:
    """The name itself and every name it is a common short or long form of."""
    return _nickname_groups().get(given_norm, frozenset()) | {given_norm}


def are_nicknames(first: str, second: str) -> bool:
    return first != second and second in _nickname_groups().get(first, ())


def _trigrams(text: str) -> set[str]:
    grams = set()
    for word in re.findall(r"[a-z0-9]+", text):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_similarity(first: str, second: str) -> float:
    a, b = _trigrams(first), _trigrams(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def soundex(text: str) -> str:
    letters = re.sub(r"[^a-z]", "", text.lower())
    if not letters:
        return ""
    code = letters[0].upper()
    previous = _SOUNDEX_CODES.get(letters[0], "")
    for letter in letters[1:]:
        digit = _SOUNDEX_CODES.get(letter, "")
        if digit and digit != previous:
            code += digit
        if letter not in "hw":
            previous = digit
    return (code + "000")[:4]
