"""Danish number reading for PDF-extracted table cells.

Danish print uses "." for thousands and "," for decimals ("2.851.115 kr.", "7,28"),
"-" for "no value", and a few units glued to or beside the figure ("kr.", "%",
"uger"). Documents also contain slips: "860.4" where "860,4" is meant. Every
reading keeps the raw text and says how it was read (``read_as``) so a check
downstream can catch a misreading.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache, lru_cache
from typing import NamedTuple

MINUS = "-\u2212\u2013"  # hyphen, minus sign, en dash
_SIGN = f"[{MINUS}]?"

#: thousands-grouped integer with optional decimals: 1.017,4  2.851.115
_GROUPED = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?"
#: thousands grouped by non-breaking spaces, as some PDF text layers print them: 2 851 115
_GROUPED_SPACE = r"\d{1,3}(?:[\u00a0\u202f]\d{3})+(?:,\d+)?"
#: plain integer or comma decimal: 7,28  1049  -5
_PLAIN = r"\d+(?:,\d+)?"
#: a point with one or two digits can never be a thousands group: 860.4
_POINT_SLIP = r"\d+\.\d{1,2}"

NUMBER_RE = re.compile(
    rf"^({_SIGN})(?:(?P<grouped>{_GROUPED})|(?P<spaced>{_GROUPED_SPACE})|"
    rf"(?P<slip>{_POINT_SLIP})|(?P<plain>{_PLAIN}))$"
)
#: a group of three digits (with the decimals of the number it ends): what follows the first
#: group of a number whose thousands are separated by spaces ("2 851 115", "12 345,5")
THOUSANDS_GROUP_RE = re.compile(r"^\d{3}(?:,\d+)?$")
LEADING_GROUP_RE = re.compile(rf"^{_SIGN}(?:0|[1-9]\d{{0,2}})$")  # "12", not "023"
RANGE_RE = re.compile(rf"^({_PLAIN})[{MINUS}]({_PLAIN})$")
MISSING_TOKENS = {"-", "\u2013", "\u2212", "\u2014"}

UNIT_WORDS = {"kr.": "kr.", "kr": "kr.", "uger": "uger", "uge": "uger", "%": "%"}
#: words before "kr." that scale it: "14,8 mio. kr.", "1,84 mia. kr."
SCALE_WORDS = {"mio.": "mio. kr.", "mia.": "mia. kr."}
#: units glued into one word: "0,5 mio.kr."
GLUED_UNIT_WORDS = {"mio.kr.": "mio. kr.", "mio.kr": "mio. kr.", "mia.kr.": "mia. kr.", "mia.kr": "mia. kr."}


class Number(NamedTuple):
    value: Decimal
    read_as: str  # "integer", "decimal_comma", "thousands", "thousands_space", "decimal_point_slip"
    decimals: int


@lru_cache(maxsize=16384)
def parse_number(text: str) -> Number | None:
    """Read one Danish number token (no unit). None when it is not a number."""
    m = NUMBER_RE.match(text)
    if not m:
        return None
    negative = bool(m.group(1))
    if m.group("grouped"):
        intpart, _, dec = m.group("grouped").partition(",")
        digits = intpart.replace(".", "") + ("." + dec if dec else "")
        read_as, decimals = "thousands", len(dec)
    elif m.group("spaced"):
        intpart, _, dec = m.group("spaced").partition(",")
        digits = re.sub(r"\D", "", intpart) + ("." + dec if dec else "")
        read_as, decimals = "thousands_space", len(dec)
    elif m.group("slip"):
        digits, read_as = m.group("slip"), "decimal_point_slip"
        decimals = len(digits.split(".")[1])
    else:
        intpart, _, dec = m.group("plain").partition(",")
        digits = intpart + ("." + dec if dec else "")
        read_as = "decimal_comma" if dec else "integer"
        decimals = len(dec)
    value = Decimal(digits)
    return Number(-value if negative else value, read_as, decimals)


def parse_range(text: str) -> tuple[Number, Number] | None:
    """Read "0-1", "20-25" or "3,0-5,0" as (low, high). Years are not ranges here."""
    m = RANGE_RE.match(text)
    if not m:
        return None
    low, high = parse_number(m.group(1)), parse_number(m.group(2))
    if low is None or high is None or low.value > high.value:
        return None
    return low, high


@cache
def half_unit(decimals: int) -> Decimal:
    """Half a unit of the last digit of a figure printed with ``decimals`` decimals: how far
    the printed figure can be from the true one."""
    return Decimal(5).scaleb(-(decimals + 1))


def is_year(token: str) -> bool:
    """A year from 1900 to 2099 ("2019", "2026"). Asked some 20,000 times per megabyte, so
    it is tested without the regex engine."""
    return len(token) == 4 and token[:2] in ("19", "20") and token.isascii() and token.isdigit()


def format_decimal(value: Decimal | None) -> str:
    """Plain notation without exponent or trailing noise: Decimal('2851115') -> '2851115'."""
    return "" if value is None else format(value, "f")
