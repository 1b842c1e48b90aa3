"""Warwickshire's reference data file: areas, districts, teams and the first routing rules."""

import json
from functools import cache
from pathlib import Path

REFERENCE_FILE = Path(__file__).parent / "data" / "reference.json"


@cache
def reference_file_data(path: Path = REFERENCE_FILE) -> dict:
    return json.loads(path.read_text())


def warwickshire_la_codes() -> frozenset[str]:
    """The ONS codes of Warwickshire's five districts: the postcodes that are "in county"."""
    return frozenset(row["ons_code"] for row in reference_file_data()["districts"])
