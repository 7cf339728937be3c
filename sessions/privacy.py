"""Privacy guard for free text about clients: pseudonyms only.

Clients are known by a made-up pseudonym; a text about them should not hold anything that
identifies a person. This module finds, in Dutch (or English) free text, what looks like:

- a BSN (9 digits, also written 123.456.782 or 1234 56 782, that pass the 11-test);
- an e-mail address;
- a phone number (Dutch mobiles and landlines, +31…, 0031…, and foreign numbers written
  with + or 00; checked with the `phonenumbers` library, so dates, times, amounts, years,
  IP addresses and ZRM levels are not phone numbers);
- a Dutch postcode (1234 AB, 1234AB 12); one whose digits could be a year (2019 AB) only
  with a house number, a town, the word postcode or a street address next to it;
- a street address (a street name with a common Dutch street suffix and a house number:
  Dorpsstraat 12, Laan van Meerdervoort 123a);
- a date of birth: a full date with a cue (geboren, geb., geboortedatum, born), or a bare
  full date of a year from 1900 to ten years ago (a possible date of birth).

Names are not looked for: there is no telling a real name from a made-up one.

The API:

- `findings(text)`: what was found, as `Finding`s (kind and span) in order of position;
- `warning_for(text)`: one message, in the user's language, naming what was found, for a
  text that is saved anyway (the presentation of a case);
- `looks_identifying(text)`: the first thing found, as a short message, or None; as it
  always did, it also calls any number of 9 digits a BSN and one of 10 or more a phone
  number (forms, services and the console call it);
- `pseudonym_problem(text)`: the stricter rule for a pseudonym: none of the above, no full
  date at all and no long number (6 digits or more).

Every regular expression here runs on whatever was typed (up to 10 000 characters): each
quantifier that repeats more than once repeats one character class, so none can backtrack
into a nested repetition (tests/test_privacy.py checks that), and every pattern that can
start anywhere in a run of characters only starts where that run starts (a lookbehind).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import phonenumbers
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from stdnum.nl import bsn


class Kind(StrEnum):
    BSN = "bsn"
    EMAIL = "email"
    PHONE = "phone"
    POSTCODE = "postcode"
    ADDRESS = "address"
    BIRTH_DATE = "birth_date"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing in a text that looks like it identifies a person: `text[start:end]`."""

    kind: Kind
    start: int
    end: int
    text: str
    # False for a bare date that only might be a date of birth; True for everything else.
    certain: bool = True

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


# Patterns ------------------------------------------------------------------------------------

LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f"  # Latin letters, accents included

# The local part only starts where a run of address characters starts (the lookbehind); the
# domain's last label is checked in Python.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+")

# A run of digits with spaces, dots, dashes, slashes and brackets in between, optionally
# starting with + or (. Phone numbers and BSNs are looked for in its digit groups.
DIGIT_RUN = re.compile(r"(?<!\w)[+(]?\d[\d ./()\-\u00a0]*", re.ASCII)
DIGITS = re.compile(r"\d+", re.ASCII)

IPV4 = re.compile(r"(?<![\d.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\d|\.\d)", re.ASCII)
# € 1.250,00 · EUR 300 · 1.250,- · 45,50: no phone number or BSN.
AMOUNT = re.compile(
    r"(?:[€$£]|\bEUR\b|\beuro\b)\s?\d[\d.,]*|(?<![\d.,])\d[\d.]*,(?:\d\d|-)(?!\d)",
    re.ASCII | re.IGNORECASE,
)

MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "january|february|march|may|june|july|august|october|"
    "jan|feb|mrt|mar|apr|jun|jul|aug|sept|sep|okt|oct|nov|dec"
)
MONTH_NUMBER = {
    name: number
    for number, names in enumerate(
        (
            "januari january jan",
            "februari february feb",
            "maart march mrt mar",
            "april apr",
            "mei may",
            "juni june jun",
            "juli july jul",
            "augustus august aug",
            "september sept sep",
            "oktober october okt oct",
            "november nov",
            "december dec",
        ),
        start=1,
    )
    for name in names.split()
}
# 12-03-1945 · 12/3/45 · 12.03.1945 (the same separator twice)
DAY_FIRST_DATE = re.compile(
    r"(?<!\d)(?<!\d[-/.])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?!\d)(?![-/.]\d)", re.ASCII
)
# 1945-03-12 · 1945/3/12
YEAR_FIRST_DATE = re.compile(
    r"(?<!\d)(?<!\d[-/.])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)(?![-/.]\d)", re.ASCII
)
# 12 maart 1945 · 3e maart '45 · 12 March 1981 · 1 jan. 1950
DAY_MONTH_YEAR = re.compile(
    rf"(?<![0-9])([0-9]{{1,2}})(?:e|ste|de|st|nd|rd|th)?\s{{0,3}}({MONTHS})(?![{LETTER}])\.?"
    rf",?\s{{0,3}}('?[0-9]{{2}}|[0-9]{{4}})(?![0-9])",
    re.IGNORECASE,
)
# March 12, 1981 · maart 12 1981
MONTH_DAY_YEAR = re.compile(
    rf"(?<![{LETTER}])({MONTHS})\.?\s{{1,3}}([0-9]{{1,2}})(?:st|nd|rd|th)?,?\s{{1,3}}"
    rf"([0-9]{{4}})(?![0-9])",
    re.IGNORECASE,
)
# 12031981 or 19810312, standing alone.
COMPACT_DATE = re.compile(r"(?<![\w.,/+-])\d{8}(?!\w|[.,/-]\d)", re.ASCII)
# A word that says the date after it is a date of birth (at most 25 characters before it).
BIRTH_CUE = re.compile(
    r"(?<![^\W\d_])(?:geboren|geb|geboortedatum|geboortedag|born|birth|birthdate|"
    r"date of birth|dob|d\.o\.b)(?![^\W\d_])[^\n!?;]{0,25}\Z",
    re.IGNORECASE,
)

# A word followed by a house number: a street when the word ends in a street suffix.
WORD_AND_NUMBER = re.compile(
    rf"(?<![{LETTER}'\-])([{LETTER}][{LETTER}'\-]*) {{1,3}}(?:(?:nr|no)\.? {{0,2}})?"
    r"([0-9]{1,4})(?![0-9])"
    r"( ?[a-zA-Z](?![\w])| ?- ?[0-9]{1,4}(?![0-9])| ?- ?[a-zA-Z](?![\w])| (?:hs|bis|bg)(?![\w]))?"
)
# Laan van Meerdervoort 123a · Weg naar de Bron 3 · Plein 't Zand 2: street word, then the name.
STREET_WORD_FIRST = re.compile(
    rf"(?<![{LETTER}'\-])(?i:laan|weg|plein|kade|singel|dijk|straat|gracht|dreef|hof|park|pad|"
    r"steeg|markt|boulevard|plantsoen|wal|haven)"
    r" (?:van|der|de|den|het|op|ten|ter|te|naar|tot|aan|in|'t|voor|achter|bij|over|om)"
    r"(?: (?:de|der|den|het|'t|van))?"
    rf" [A-Z\u00c0-\u00de][{LETTER}'\-]*(?: [A-Z\u00c0-\u00de][{LETTER}'\-]*)? {{1,3}}"
    r"([0-9]{1,4})(?![0-9])"
    r"( ?[a-zA-Z](?![\w])| ?- ?[0-9]{1,4}(?![0-9]))?"
)
# Street suffixes that end a street name also when it is written in lower case ...
STREET_SUFFIXES = (
    "straat", "straatje", "laan", "laantje", "weg", "plein", "pleintje", "gracht", "kade",
    "singel", "dijk", "steeg", "steegje", "dreef", "wal", "plantsoen", "boulevard", "dwarsweg",
)  # fmt: skip
# ... and those that are ordinary words often enough to need a capital (Binnenhof 1).
CAPITAL_STREET_SUFFIXES = ("hof", "hoven", "pad", "park", "markt", "baan", "haven", "werf")
# A number followed by one of these counts something: "de weg 3 keer", "Singel 2 weken".
NOT_A_HOUSE_NUMBER = re.compile(
    r" {0,2}(?:keer|maal|x|weken|week|dagen|dag|jaar|jaren|maanden|maand|uur|uren|minuten|"
    r"min|km|kilometer|meter|m|procent|%|euro|personen|mensen|kinderen)(?![\w])",
    re.IGNORECASE,
)

POSTCODE = re.compile(
    rf"(?<!\w)([1-9][0-9]{{3}})( ?)([A-Za-z]{{2}})(?![{LETTER}])"
    r"(?:,? {0,2}([0-9]{1,5})(?![0-9])( ?[a-zA-Z](?![\w])|-[0-9]{1,4}(?![0-9]))?)?"
)
TOWN_AFTER = re.compile(rf",? {{1,3}}(?:'s-|'t )?[A-Z][{LETTER}]")
POSTCODE_CUE = re.compile(r"(?<![^\W\d_])(?:postcode|pc|zip)(?![^\W\d_])\W{0,4}\Z", re.I)

LONG_NUMBER_DIGITS = 6  # in a pseudonym


# Finding them -------------------------------------------------------------------------------


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full_year(year: str) -> int:
    """A year as written: '45' and "'45" are 1945, '12' is 2012 (not later than this year)."""
    digits = year.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    this_year = timezone.localdate().year
    full = 2000 + int(digits)
    return full if full <= this_year else full - 100


class _Scan:
    """One pass over a text: findings, and the characters that are already accounted for."""

    def __init__(self, text: str, *, any_date: bool = False) -> None:
        self.text = text
        self.any_date = any_date  # every full date is reported as a date of birth
        self.taken = bytearray(len(text))
        self.found: list[Finding] = []
        today = timezone.localdate()
        self.today = today
        self.latest_bare_birth_year = today.year - 10

    def is_free(self, start: int, end: int) -> bool:
        return 1 not in self.taken[start:end]

    def take(self, start: int, end: int) -> None:
        self.taken[start:end] = b"\x01" * (end - start)

    def add(self, kind: Kind, start: int, end: int, *, certain: bool = True) -> None:
        self.found.append(Finding(kind, start, end, self.text[start:end], certain))
        self.take(start, end)

    # E-mail ----------------------------------------------------------------------------------

    def emails(self) -> None:
        for match in EMAIL.finditer(self.text):
            address = match.group().rstrip(".-")
            domain = address.rpartition("@")[2]
            labels = domain.split(".")
            if len(labels) < 2 or not all(labels) or not labels[-1].isalpha():
                continue
            if len(labels[-1]) < 2:
                continue
            self.add(Kind.EMAIL, match.start(), match.start() + len(address))

    # Numbers that are something else ----------------------------------------------------------

    def not_numbers_to_call(self) -> None:
        for pattern in (IPV4, AMOUNT):
            for match in pattern.finditer(self.text):
                self.take(*match.span())

    # Dates ------------------------------------------------------------------------------------

    def _date(self, start: int, end: int, born: date | None, *, short_year: bool = False) -> None:
        if born is None or not self.is_free(start, end):
            return
        cue = BIRTH_CUE.search(self.text, max(0, start - 40), start)
        if cue or self.any_date:
            if born <= self.today:
                self.add(Kind.BIRTH_DATE, start, end)
                return
        # Without a cue, a year of two digits counts from 1927 to 1999 only: 12/3/45 may be a
        # birthday, 1.2.10 (a version) and 3/4/10 (a score) are not.
        elif 1900 <= born.year <= self.latest_bare_birth_year and not (
            short_year and born.year >= 2000
        ):
            self.add(Kind.BIRTH_DATE, start, end, certain=False)
            return
        self.take(start, end)  # a date, not of birth: not a phone number or BSN either

    def dates(self) -> None:
        text = self.text
        for match in DAY_FIRST_DATE.finditer(text):
            day, _sep, month, year = match.groups()
            born = _date_or_none(_full_year(year), int(month), int(day))
            self._date(*match.span(), born, short_year=len(year) == 2)
        for match in YEAR_FIRST_DATE.finditer(text):
            year, _sep, month, day = match.groups()
            self._date(*match.span(), _date_or_none(int(year), int(month), int(day)))
        for match in DAY_MONTH_YEAR.finditer(text):
            day, month, year = match.groups()
            born = _date_or_none(_full_year(year), MONTH_NUMBER[month.lower()], int(day))
            self._date(*match.span(), born, short_year=len(year.lstrip("'")) == 2)
        for match in MONTH_DAY_YEAR.finditer(text):
            month, day, year = match.groups()
            born = _date_or_none(int(year), MONTH_NUMBER[month.lower()], int(day))
            self._date(*match.span(), born)

    def compact_dates(self) -> None:
        """Eight digits standing alone that read as ddmmyyyy or yyyymmdd."""
        for match in COMPACT_DATE.finditer(self.text):
            digits = match.group()
            born = _date_or_none(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
            if born is None or not 1900 <= born.year <= self.today.year:
                born = _date_or_none(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
            self._date(*match.span(), born)

    # Addresses and postcodes ---------------------------------------------------------------

    def _house_number(self, match: re.Match[str], number: str, addition: str | None) -> bool:
        """Whether the number after a street name is a house number."""
        # A year after a name is a year ("Vondelpark 2019"), and a number followed by a unit
        # counts something ("de weg 3 keer", "Singel 2 weken").
        if addition is None and 1900 <= int(number) <= 2099:
            return False
        return NOT_A_HOUSE_NUMBER.match(self.text, match.end()) is None

    @staticmethod
    def _street_name(word: str) -> bool:
        lower = word.lower()
        suffix = next((s for s in STREET_SUFFIXES if lower.endswith(s)), None)
        if suffix:
            # "Dorpsstraat", "dorpsstraat" and "Singel" are streets; "weg" alone is not.
            return len(word) > len(suffix) or word[0].isupper()
        return lower.endswith(CAPITAL_STREET_SUFFIXES) and word[0].isupper()

    def addresses(self) -> None:
        for match in STREET_WORD_FIRST.finditer(self.text):
            number, addition = match.groups()
            if self._house_number(match, number, addition) and self.is_free(*match.span()):
                self.add(Kind.ADDRESS, *match.span())
        for match in WORD_AND_NUMBER.finditer(self.text):
            word, number, addition = match.groups()
            if (
                self._street_name(word)
                and self._house_number(match, number, addition)
                and self.is_free(*match.span())
            ):
                self.add(Kind.ADDRESS, *match.span())

    def postcodes(self) -> None:
        text = self.text
        address_ends = {f.end for f in self.found if f.kind == Kind.ADDRESS}
        for match in POSTCODE.finditer(text):
            digits, _space, letters, number, _addition = match.groups()
            if letters.upper() in ("SA", "SD", "SS"):
                continue
            start, end = match.span()
            cue = POSTCODE_CUE.search(text, max(0, start - 20), start)
            # In lower case only after the word: "1000mg", "2024 en 12" are no postcodes.
            if not (letters.isupper() or cue):
                continue
            in_context = (
                cue
                or number is not None
                or TOWN_AFTER.match(text, end)
                or any(
                    start - gap in address_ends and not text[start - gap : start].strip(" ,")
                    for gap in range(4)
                )
            )
            # A year with two capitals ("sinds 2019 GGZ", "in 2023 NL") needs an address.
            looks_like_a_year = 1900 <= int(digits) <= 2099
            if (in_context or not looks_like_a_year) and self.is_free(start, end):
                self.add(Kind.POSTCODE, start, end)

    # Phone numbers and BSNs ---------------------------------------------------------------

    def numbers(self) -> None:
        text = self.text
        for run in DIGIT_RUN.finditer(text):
            groups: list[tuple[int, int]] = []  # absolute spans of digit groups
            for group in DIGITS.finditer(text, run.start(), run.end()):
                start, end = group.span()
                if groups:
                    between = text[groups[-1][1] : start]
                    if len(between) > 3 or "  " in between:
                        self._number_groups(groups, run.start())
                        groups = []
                if not self.is_free(start, end):
                    self._number_groups(groups, run.start())
                    groups = []
                    continue
                groups.append((start, end))
            self._number_groups(groups, run.start())

    def _number_groups(self, groups: list[tuple[int, int]], run_start: int) -> None:
        """Phone numbers and BSNs among consecutive digit groups, left to right."""
        text = self.text
        index = 0
        while index < len(groups):
            first = groups[index][0]
            prefix = text[first - 1] if first > run_start else ""
            start = first - 1 if prefix in ("+", "(") else first
            plus = prefix == "+"
            digits = ""
            phone_end = bsn_end = None
            last = index
            for last in range(index, len(groups)):
                digits += text[groups[last][0] : groups[last][1]]
                if len(digits) > 17:
                    break
                end = groups[last][1]
                if self._is_phone(text[start:end], digits, plus):
                    phone_end = (last, end)
                if len(digits) == 9 and bsn_end is None and not plus and bsn.is_valid(digits):
                    bsn_end = (last, end)
            if phone_end:
                self.add(Kind.PHONE, start, phone_end[1])
                index = phone_end[0] + 1
            elif bsn_end:
                self.add(Kind.BSN, first, bsn_end[1])
                index = bsn_end[0] + 1
            else:
                index += 1

    @staticmethod
    def _is_phone(written: str, digits: str, plus: bool) -> bool:
        if plus:
            plausible = 8 <= len(digits) <= 15 and digits[0] != "0"
        elif digits.startswith("00"):
            plausible = 11 <= len(digits) <= 17 and digits[2] != "0"
        else:
            # Every Dutch number of a person has 10 digits with its 0: 06-12345678, 020-1234567.
            plausible = len(digits) == 10 and digits[0] == "0" and digits[1] != "0"
        if not plausible:
            return False
        try:
            number = phonenumbers.parse(written, "NL")
        except phonenumbers.NumberParseException:
            return False
        if not phonenumbers.is_valid_number(number):
            return False
        # 0800, 0900 and 088 numbers belong to organisations, not to people.
        return phonenumbers.number_type(number) not in (
            phonenumbers.PhoneNumberType.TOLL_FREE,
            phonenumbers.PhoneNumberType.PREMIUM_RATE,
            phonenumbers.PhoneNumberType.SHARED_COST,
            phonenumbers.PhoneNumberType.UAN,
        )

    def run(self) -> list[Finding]:
        self.emails()
        self.not_numbers_to_call()
        self.dates()
        self.addresses()
        self.postcodes()
        self.numbers()
        self.compact_dates()
        return sorted(self.found, key=lambda finding: finding.start)


def findings(text: str) -> list[Finding]:
    """Everything in `text` that looks like it identifies a person, in order of position."""
    if not text:
        return []
    return _Scan(text).run()


# Messages ---------------------------------------------------------------------------------------


def _short_message(kind: Kind) -> str:
    """Why a pseudonym (or a short text) looks like it identifies someone."""
    if kind == Kind.EMAIL:
        return _("This looks like an e-mail address. Use a made-up pseudonym only.")
    if kind == Kind.BIRTH_DATE:
        return _("This looks like a date of birth. Give the birth year only, in its own field.")
    if kind == Kind.BSN:
        return _("This looks like a BSN (9 digits). Never store a citizen service number.")
    if kind == Kind.PHONE:
        return _("This looks like a phone number. Use a made-up pseudonym only.")
    if kind == Kind.POSTCODE:
        return _("This looks like a postcode. Use a made-up pseudonym only.")
    return _("This looks like an address. Use a made-up pseudonym only.")


def _what(kind: Kind, count: int) -> str:
    """'a phone number', '2 phone numbers': what was found, for `warning_for`."""
    if count == 1:
        return {
            Kind.BSN: _("a BSN"),
            Kind.EMAIL: _("an e-mail address"),
            Kind.PHONE: _("a phone number"),
            Kind.POSTCODE: _("a postcode"),
            Kind.ADDRESS: _("an address"),
            Kind.BIRTH_DATE: _("a date of birth"),
        }[kind]
    plural = {
        Kind.BSN: ngettext("%(count)d BSN", "%(count)d BSNs", count),
        Kind.EMAIL: ngettext("%(count)d e-mail address", "%(count)d e-mail addresses", count),
        Kind.PHONE: ngettext("%(count)d phone number", "%(count)d phone numbers", count),
        Kind.POSTCODE: ngettext("%(count)d postcode", "%(count)d postcodes", count),
        Kind.ADDRESS: ngettext("%(count)d address", "%(count)d addresses", count),
        Kind.BIRTH_DATE: ngettext("%(count)d date of birth", "%(count)d dates of birth", count),
    }[kind]
    return plural % {"count": count}


QUOTE_MAX = 40


def _quote(found: str) -> str:
    found = " ".join(found.split())
    return found if len(found) <= QUOTE_MAX else found[: QUOTE_MAX - 1] + "…"


def warning_for(text: str, *, quote: bool = True) -> str | None:
    """One message naming everything found in `text`, or None when nothing was found.

    "This looks like a phone number (06-12345678) and a BSN. Remove them, or save anyway if
    they are not about the client." What was found is quoted (at most two of each kind) so it can
    be found in a long text; a BSN never is, and `quote=False` quotes nothing.
    """
    found = findings(text)
    if not found:
        return None
    by_kind: dict[Kind, list[Finding]] = {}
    for finding in found:
        by_kind.setdefault(finding.kind, []).append(finding)
    parts = []
    for kind, of_kind in by_kind.items():
        part = _what(kind, len(of_kind))
        if quote and kind != Kind.BSN:
            examples = [_quote(f.text) for f in of_kind[:2]]
            if len(of_kind) > 2:
                examples.append("…")
            part = f"{part} ({', '.join(examples)})"
        parts.append(part)
    if len(parts) == 1:
        listed = parts[0]
    else:
        # Translators: the last two of a list of what was found: "a phone number and a BSN".
        listed = _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}
    return ngettext(
        "This looks like %(found)s. Remove it, or save anyway if it is not about the client.",
        "This looks like %(found)s. Remove them, or save anyway if they are not about the client.",
        len(found),
    ) % {"found": listed}


LONG_NUMBER = re.compile(r"(?<!\d)\d[\d .\-/]*", re.ASCII)


def _longest_number(text: str, taken: bytearray | None = None) -> int:
    """The most digits in one number: digit groups with single spaces, dots, dashes or slashes
    between them. Digits of `taken` characters (dates, amounts, IP addresses) don't count."""
    longest = 0
    for run in LONG_NUMBER.finditer(text):
        digits = 0
        previous_end = None
        for group in DIGITS.finditer(text, run.start(), run.end()):
            start, end = group.span()
            if taken is not None and 1 in taken[start:end]:
                digits, previous_end = 0, None
                continue
            if previous_end is not None and start - previous_end > 1:
                digits = 0
            digits += end - start
            longest = max(longest, digits)
            previous_end = end
    return longest


def _number_message(digits: int) -> str | None:
    if digits == 9:  # a BSN with a typo is still a BSN
        return _short_message(Kind.BSN)
    return None


def looks_identifying(text: str) -> str | None:
    """Why `text` looks like it identifies a person (the first thing found), or None.

    Besides what `findings` reports, a number of 9 digits counts as a BSN even when it fails
    the 11-test, and one of 10 digits or more as a phone number, as this function always
    did: forms check pseudonyms with it.
    """
    if not text:
        return None
    scan = _Scan(text)
    found = scan.run()
    if found:
        return _short_message(found[0].kind)
    digits = _longest_number(text, scan.taken)
    if digits >= 10:
        return _short_message(Kind.PHONE)
    return _number_message(digits)


def pseudonym_problem(text: str) -> str | None:
    """Why `text` cannot be a pseudonym, or None.

    Stricter than `looks_identifying`: every full date is refused as a date of birth, and
    every number of 6 digits or more (with or without spaces, dots or dashes; 9 digits are
    called a BSN): a pseudonym holds no number that could identify someone. Short numbers
    (Merel 2, Casus 1981, Kamer 12-3) are fine; names are not checked.
    """
    if not text:
        return None
    found = _Scan(text, any_date=True).run()
    if found:
        return _short_message(found[0].kind)
    count = _longest_number(text)
    if count < LONG_NUMBER_DIGITS:
        return None
    return _number_message(count) or _(
        "Pseudonyms don't contain numbers that could identify someone, such as a client, "
        "file or phone number; this one has a number of %(count)d digits. "
        "Use a made-up name, with a short number at most."
    ) % {"count": count}
