"""Privacy guard for free text about clients: pseudonyms only.

`looks_identifying(text)` says, in the user's language, why a text looks like it holds
something that identifies a person (a BSN, an e-mail address, a phone number or a full
date of birth), or returns None. Forms and services both call it.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

# Every pattern here runs on whatever was typed: none may backtrack quadratically. The
# e-mail pattern only starts where a run of address characters starts (the lookbehind).
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# A run of digits, possibly with single spaces, dots, dashes, slashes or brackets between
# them, optionally starting with + (international phone numbers).
DIGIT_RUN = re.compile(r"\+?\(?\d(?:[\s./()-]?\d)+")

MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "january|february|march|may|june|july|august|october|"
    "jan|feb|mrt|mar|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec"
)
DATE_WITH_MONTH_NAME = re.compile(
    rf"\b\d{{1,2}}\s{{0,3}}(?:e\s{{1,3}})?(?:{MONTHS})\.?\s{{0,3}},?\s{{0,3}}\d{{2,4}}\b",
    re.IGNORECASE,
)
NUMERIC_DATE = re.compile(
    r"\b(?:\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})\b"
)


def _is_date_digits(digits: str) -> bool:
    """Eight digits that read as a plausible birth date: ddmmyyyy or yyyymmdd."""
    for day, month, year in (
        (digits[:2], digits[2:4], digits[4:]),
        (digits[6:], digits[4:6], digits[:4]),
    ):
        try:
            born = date(int(year), int(month), int(day))
        except ValueError:
            continue
        if 1900 <= born.year <= date.today().year:
            return True
    return False


def looks_identifying(text: str) -> str | None:
    """Why `text` looks like it identifies a person, or None when it looks fine."""
    if not text:
        return None
    if EMAIL.search(text):
        return _("This looks like an e-mail address. Use a made-up pseudonym only.")
    if NUMERIC_DATE.search(text) or DATE_WITH_MONTH_NAME.search(text):
        return _("This looks like a date of birth. Give the birth year only, in its own field.")
    for match in DIGIT_RUN.finditer(text):
        run = match.group()
        digits = re.sub(r"\D", "", run)
        if len(digits) == 9 and not run.startswith("+"):
            return _("This looks like a BSN (9 digits). Never store a citizen service number.")
        if len(digits) >= 10 or (run.startswith("+") and len(digits) >= 9):
            return _("This looks like a phone number. Use a made-up pseudonym only.")
        if len(digits) == 8 and _is_date_digits(digits):
            return _("This looks like a date of birth. Give the birth year only, in its own field.")
    return None
