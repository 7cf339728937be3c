"""The privacy detector (sessions/privacy.py): what counts as identifying, and what not.

No database: these are plain functions over text.
"""

import re
import re._constants as sre
import re._parser as sre_parse
import time
from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import translation

from sessions import privacy
from sessions.privacy import (
    Finding,
    Kind,
    findings,
    looks_identifying,
    pseudonym_problem,
    warning_for,
)

TODAY = datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def today():
    """Which bare dates are possible dates of birth depends on today: keep today fixed."""
    with time_machine.travel(TODAY, tick=False):
        yield


def kinds(text: str) -> list[str]:
    return [finding.kind.value for finding in findings(text)]


def found(text: str, kind: Kind) -> list[str]:
    return [finding.text for finding in findings(text) if finding.kind == kind]


# BSN -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, bsn",
    [
        ("123456782", "123456782"),
        ("111222333", "111222333"),
        ("BSN: 123.456.782.", "123.456.782"),
        ("bsn 1234.56.782", "1234.56.782"),
        ("Burgerservicenummer 123 456 782 staat op de brief", "123 456 782"),
        ("123456782 / 0612345678", "123456782"),
    ],
)
def test_a_bsn_that_passes_the_11_test_is_found(text, bsn):
    assert found(text, Kind.BSN) == [bsn]


@pytest.mark.parametrize(
    "text",
    ["123456789", "000000000", "12345678", "1234567820", "€ 123.456.782,00", "123.456.782,-"],
)
def test_a_number_that_fails_the_11_test_or_is_an_amount_is_no_bsn(text):
    assert Kind.BSN not in [f.kind for f in findings(text)]


# E-mail ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, address",
    [
        ("mail: a.b@example.nl", "a.b@example.nl"),
        ("Mail jan.de.vries+zorg@gemeente-noord.nl.", "jan.de.vries+zorg@gemeente-noord.nl"),
        ("(els_1945@hotmail.com)", "els_1945@hotmail.com"),
    ],
)
def test_an_e_mail_address_is_found(text, address):
    assert findings(text) == [
        Finding(Kind.EMAIL, text.index(address), text.index(address) + len(address), address)
    ]


@pytest.mark.parametrize(
    "text", ["a@b", "jan@localhost", "@home", "mail at example dot nl", "x@y.1"]
)
def test_what_is_no_e_mail_address(text):
    assert kinds(text) == []


# Phone numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "0612345678",
        "06-12345678",
        "06 12345678",
        "06 - 12 34 56 78",
        "+31 6 12 34 56 78",
        "+31612345678",
        "0031 6 12345678",
        "0031612345678",
        "+31 (0)6 12345678",
        "020-1234567",
        "020-123 45 67",
        "(020) 123 45 67",
        "010-1234567",
        "0591-123456",
        "+44 20 7946 0958",
    ],
)
def test_a_phone_number_is_found_with_its_exact_span(number):
    text = f"Dochter Els, bereikbaar op {number}, liefst na 17 uur."
    assert findings(text) == [
        Finding(Kind.PHONE, text.index(number), text.index(number) + len(number), number)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "169.254.169.254",
        "Server 10.0.0.1 en 192.168.1.10",
        "12-03-2025 14:00",
        "12-03-2025 14.00-16.00 uur",
        "€ 1.250,00",
        "EUR 1.250.000",
        "huur 1.250,- per maand",
        "2 → 4",
        "ZRM 2 → 3 op Financiën, 3 → 4 op Dagbesteding",
        "3 keer per week",
        "1981",
        "van 1981 tot 2024",
        "0800-0432",  # free numbers of organisations, not of a person
        "0900-1234567",
        "088-1234567",
        "06-1234567",  # a digit short
        "Kamer 12-3",
        "NL91 ABNA 0417 1643 00",
    ],
)
def test_what_is_no_phone_number(text):
    assert Kind.PHONE not in [f.kind for f in findings(text)]


def test_two_phone_numbers_next_to_each_other_are_two():
    text = "0612345678 0201234567"
    assert found(text, Kind.PHONE) == ["0612345678", "0201234567"]


# Postcodes and addresses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, postcode",
    [
        ("1234 AB 12", "1234 AB 12"),
        ("1234AB 12", "1234AB 12"),
        ("1234AB12", "1234AB12"),
        ("1234 AB, 12-3", "1234 AB, 12-3"),
        ("1234AB", "1234AB"),
        ("Woont in 1234 AB", "1234 AB"),
        ("2011 AB Haarlem", "2011 AB"),  # a year-like postcode with a town
        ("postcode 2011 AB", "2011 AB"),
        ("Kerkstraat 5, 2011 AB", "2011 AB"),
        ("postcode 1234ab", "1234ab"),  # lower case only after the word
        ("Postcode: 1234 ab 5", "1234 ab 5"),
    ],
)
def test_a_postcode_is_found(text, postcode):
    assert found(text, Kind.POSTCODE) == [postcode]


@pytest.mark.parametrize(
    "text",
    [
        "1234 SA",
        "1234 SS 12",
        "In 2023 NL bezocht",
        "sinds 2019 GGZ",
        "0123 AB",
        "1234 ABC",
        "1000mg paracetamol",
        "tussen 2024 en 12 maart",
    ],
)
def test_what_is_no_postcode(text):
    assert Kind.POSTCODE not in [f.kind for f in findings(text)]


@pytest.mark.parametrize(
    "text, address",
    [
        ("Dorpsstraat 12", "Dorpsstraat 12"),
        ("woont op de dorpsstraat 12 bij haar zus", "dorpsstraat 12"),
        ("Laan van Meerdervoort 123a", "Laan van Meerdervoort 123a"),
        ("Weg naar de Bron 3", "Weg naar de Bron 3"),
        ("Prins Hendrikkade 12-3", "Hendrikkade 12-3"),
        ("Jan-van-Galenstraat 4 hs", "Jan-van-Galenstraat 4 hs"),
        ("Oudezijds Burgwal 7", "Burgwal 7"),
        ("Kerkstraat nr. 5", "Kerkstraat nr. 5"),
        ("Singel 12", "Singel 12"),
        ("Binnenhof 1", "Binnenhof 1"),
        ("Stationsplein 1", "Stationsplein 1"),
        ("Bloemgracht 8", "Bloemgracht 8"),
        ("Zeedijk 44", "Zeedijk 44"),
        ("Nieuwe Binnenweg 200 B", "Binnenweg 200 B"),
        ("Vondelpark 3", "Vondelpark 3"),
        ("Lijnbaansteeg 2", "Lijnbaansteeg 2"),
        ("Hoofddreef 10", "Hoofddreef 10"),
        ("Ruitersweg 1950a", "Ruitersweg 1950a"),
    ],
)
def test_a_street_address_is_found(text, address):
    assert found(text, Kind.ADDRESS) == [address]


@pytest.mark.parametrize(
    "text",
    [
        "ze is weg 2 weken",
        "de hele weg 3 keer gelopen",
        "Singel 2 weken niet geweest",
        "Vondelpark 2019",
        "Merel 2",
        "Kamer 12",
        "kerkhof 3",  # a common word without a capital
        "Dorpsstraat",  # no house number
        "Domein 2 → 4",
    ],
)
def test_what_is_no_street_address(text):
    assert Kind.ADDRESS not in [f.kind for f in findings(text)]


def test_a_full_address_gives_the_street_and_the_postcode_in_order():
    text = "Dorpsstraat 12, 1234 AB Amsterdam"
    assert findings(text) == [
        Finding(Kind.ADDRESS, 0, 14, "Dorpsstraat 12"),
        Finding(Kind.POSTCODE, 16, 23, "1234 AB"),
    ]


# Dates of birth ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, birth_date",
    [
        ("12-03-1945", "12-03-1945"),
        ("12/3/45", "12/3/45"),
        ("12.03.1945", "12.03.1945"),
        ("1981-03-12", "1981-03-12"),
        ("12031981", "12031981"),
        ("19810312", "19810312"),
        ("12 maart 1945", "12 maart 1945"),
        ("3e maart '45", "3e maart '45"),
        ("1 jan. 1950", "1 jan. 1950"),
        ("12 March 1981", "12 March 1981"),
        ("March 12, 1981", "March 12, 1981"),
    ],
)
def test_a_bare_full_date_of_a_birth_year_is_a_possible_date_of_birth(text, birth_date):
    assert findings(text) == [Finding(Kind.BIRTH_DATE, 0, len(birth_date), birth_date, False)]


@pytest.mark.parametrize(
    "text, birth_date",
    [
        ("geb. 12-03-1945", "12-03-1945"),
        ("geboren op 12-03-2020", "12-03-2020"),  # a child: recent, but said to be a birth
        ("Geboortedatum: 1 jan. 2019", "1 jan. 2019"),
        ("(geb 5/6/21)", "5/6/21"),
        ("geboren in Utrecht op 12 maart 2020", "12 maart 2020"),
        ("date of birth 2019-12-31", "2019-12-31"),
    ],
)
def test_a_full_date_after_a_birth_cue_is_certainly_a_date_of_birth(text, birth_date):
    (finding,) = findings(text)
    assert (finding.kind, finding.text, finding.certain) == (Kind.BIRTH_DATE, birth_date, True)


@pytest.mark.parametrize(
    "text",
    [
        "afspraak 12-03-2025",
        "12-03-2025 14:00",
        "op 1 december 2026 besproken",
        "31-02-1980",  # no such day
        "12 maart",  # no year
        "geboren in 1945",  # the birth year alone is allowed
        "in 1945",
        "Kamer 12-3",
        "14:00-16:00",
        "Versie 1.2.10 van de app",
        "Score 3/4/10 bij intake",
    ],
)
def test_what_is_no_date_of_birth(text):
    assert Kind.BIRTH_DATE not in [f.kind for f in findings(text)]


def test_a_bare_date_is_a_possible_date_of_birth_up_to_ten_years_ago():
    """Today is 1 December 2026 (the fixture): ten years ago is 2016."""
    assert kinds("1-1-2016") == ["birth_date"]
    assert kinds("1-1-2017") == []
    assert kinds("1-1-1900") == ["birth_date"]
    assert kinds("31-12-1899") == []
    assert kinds("1-1-27") == ["birth_date"]  # two digits: 1927, not 2027 (later than now)
    assert kinds("1-1-99") == ["birth_date"]
    assert kinds("1-1-16") == []  # 2016: a bare year of two digits counts from 1927 to 1999
    assert kinds("geb. 1-1-16") == ["birth_date"]
    assert kinds("1-1-26") == []  # 2026
    assert kinds("geb. 1-1-2026") == ["birth_date"]
    assert kinds("geb. 1-1-2027") == []  # not born yet


# findings(): several things, in order ---------------------------------------------------------


def test_findings_are_in_order_of_position_with_their_spans():
    text = (
        "Mevrouw K. (geb. 12-03-1945) woont Dorpsstraat 12, 1234 AB Amsterdam. "
        "Dochter: els@example.nl of 06-12345678. BSN 123456782."
    )
    result = findings(text)
    assert [(f.kind.value, f.text) for f in result] == [
        ("birth_date", "12-03-1945"),
        ("address", "Dorpsstraat 12"),
        ("postcode", "1234 AB"),
        ("email", "els@example.nl"),
        ("phone", "06-12345678"),
        ("bsn", "123456782"),
    ]
    for finding in result:
        assert text[slice(*finding.span)] == finding.text


def test_a_long_text_is_searched_to_the_end():
    text = "Ze fietst graag en gaat 3 keer per week naar de buurtkamer. " * 160
    assert len(text) < 10_000 and findings(text) == []
    text += "Bel 06-12345678."
    assert [(f.kind, f.start) for f in findings(text)] == [(Kind.PHONE, len(text) - 12)]


@pytest.mark.parametrize(
    "text",
    ["", "Zonnebloem", "Mevrouw K. is 81 en woont alleen.", "ZRM 2 → 4", "Jan de Vries"],
)
def test_plain_text_has_no_findings(text):
    assert findings(text) == []
    assert warning_for(text) is None
    assert looks_identifying(text) is None


# warning_for() ------------------------------------------------------------------------------


def test_the_warning_names_what_was_found_in_english_and_dutch():
    text = "Dochter Els, bereikbaar op 06-12345678, BSN 123456782"
    with translation.override("en"):
        assert warning_for(text) == (
            "This looks like a phone number (06-12345678) and a BSN. "
            "Remove them, or save anyway if they are not about the client."
        )
    with translation.override("nl"):
        assert warning_for(text) == (
            "Dit lijkt op een telefoonnummer (06-12345678) en een BSN. "
            "Haal ze weg, of sla je tekst toch op als ze niet over de cliënt gaan."
        )


def test_the_warning_for_one_thing_says_it():
    with translation.override("en"):
        assert warning_for("mail a@b.nl") == (
            "This looks like an e-mail address (a@b.nl). "
            "Remove it, or save anyway if it is not about the client."
        )
    with translation.override("nl"):
        assert warning_for("geb. 12-03-1945") == (
            "Dit lijkt op een geboortedatum (12-03-1945). "
            "Haal het weg, of sla je tekst toch op als het niet over de cliënt gaat."
        )


def test_the_warning_counts_and_lists_several_of_a_kind():
    text = "06-12345678, 020-1234567 of 0612345679; Dorpsstraat 12; 1234 AB 5"
    with translation.override("en"):
        assert warning_for(text) == (
            "This looks like 3 phone numbers (06-12345678, 020-1234567, …), "
            "an address (Dorpsstraat 12) and a postcode (1234 AB 5). "
            "Remove them, or save anyway if they are not about the client."
        )
    with translation.override("nl"):
        assert warning_for(text).startswith(
            "Dit lijkt op 3 telefoonnummers (06-12345678, 020-1234567, …), "
            "een adres (Dorpsstraat 12) en een postcode (1234 AB 5). Haal ze weg"
        )


def test_the_warning_never_repeats_a_bsn_and_quotes_nothing_when_asked():
    text = "BSN 123456782, tel. 06-12345678"
    assert "123456782" not in warning_for(text)
    plain = warning_for(text, quote=False)
    assert "12345678" not in plain and "(" not in plain
    with translation.override("en"):
        assert warning_for(text, quote=False).startswith(
            "This looks like a BSN and a phone number."
        )


# looks_identifying(): one short message, as forms and the console use it --------------------


@pytest.mark.parametrize(
    "text, english, dutch",
    [
        ("a.b@example.nl", "e-mail address", "e-mailadres"),
        ("06-12345678", "phone number", "telefoonnummer"),
        ("123456782", "BSN", "BSN"),
        ("123456789", "BSN", "BSN"),  # 9 digits, failing the 11-test: still refused
        ("1234567890", "phone number", "telefoonnummer"),  # as before: 10 digits or more
        ("12-03-1981", "date of birth", "geboortedatum"),
        ("1234 AB 12", "postcode", "postcode"),
        ("Dorpsstraat 12", "address", "adres"),
    ],
)
def test_looks_identifying_says_what_in_the_users_language(text, english, dutch):
    with translation.override("en"):
        assert english in looks_identifying(text)
    with translation.override("nl"):
        assert dutch in looks_identifying(text)


@pytest.mark.parametrize("text", ["169.254.169.254", "€ 1.250.000,00", "12-03-2025 14:00"])
def test_looks_identifying_does_not_count_digits_of_addresses_amounts_or_dates(text):
    assert looks_identifying(text) is None


# pseudonym_problem(): the stricter rule ----------------------------------------------------------


@pytest.mark.parametrize(
    "pseudonym",
    ["Zonnebloem", "Merel 2", "Casus 1981", "Reiger (69)", "Kamer 12-3", "Mevrouw K.", "12345"],
)
def test_a_made_up_pseudonym_is_fine(pseudonym):
    assert pseudonym_problem(pseudonym) is None


def test_a_name_that_looks_real_is_not_refused():
    """As before: names are not checked (there is no telling a real one from a made-up one)."""
    assert pseudonym_problem("Jan de Vries") is None


def test_a_ten_digit_pseudonym_is_refused_saying_why():
    with translation.override("en"):
        message = pseudonym_problem("1234567890")
        assert message == (
            "Pseudonyms don't contain numbers that could identify someone, such as a client, "
            "file or phone number; this one has a number of 10 digits. "
            "Use a made-up name, with a short number at most."
        )
    with translation.override("nl"):
        message = pseudonym_problem("Merel 1234567890")
        assert "Een pseudoniem bevat geen nummer waaraan iemand te herkennen is" in message
        assert "10 cijfers" in message


@pytest.mark.parametrize(
    "pseudonym, english",
    [
        ("Merel 123456", "6 digits"),
        ("Merel 12 34 56", "6 digits"),
        ("Casus 2024-07", "6 digits"),
        ("169.254.169.254", "12 digits"),
        ("Anna 1234 56 789", "BSN"),  # 9 digits are called a BSN, 11-test or not
        ("Merel 12-03-2025", "date of birth"),  # any full date
        ("Merel 1 december 2026", "date of birth"),
        ("Merel 1234 AB", "postcode"),
        ("Kerkstraat 5", "address"),
        ("06-12345678", "phone number"),
        ("merel@example.nl", "e-mail address"),
    ],
)
def test_a_pseudonym_with_a_long_number_a_date_or_anything_identifying_is_refused(
    pseudonym, english
):
    with translation.override("en"):
        assert english in pseudonym_problem(pseudonym)


@pytest.mark.parametrize(
    "text",
    ["123456782", "123.456.782", "mail: a.b@example.nl", "0612345678", "020-1234567",
     "+31612345678", "12-03-1981", "1981-03-12", "12/3/81", "12031981", "3 maart 1981",
     "12 March 1981", "123456789", "1234567890"],
)  # fmt: skip
def test_what_looks_identifying_is_no_pseudonym_either(text):
    assert looks_identifying(text)
    assert pseudonym_problem(text)


# No pattern can backtrack into a nested repetition -----------------------------------------------

REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
ONE_CHARACTER = (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY, sre.CATEGORY)


def repeats_of_more_than_one_character(parsed) -> list[str]:
    """Quantifiers that may repeat more than once something that is not a single character."""
    bad = []
    for op, av in parsed:
        if op in REPEATS:
            low, high, body = av
            if high > 1 and not (len(body) == 1 and body[0][0] in ONE_CHARACTER):
                bad.append(f"{op}{(low, high)} of {list(body)}")
            bad += repeats_of_more_than_one_character(body)
        elif op == sre.SUBPATTERN:
            bad += repeats_of_more_than_one_character(av[3])
        elif op == sre.BRANCH:
            for branch in av[1]:
                bad += repeats_of_more_than_one_character(branch)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            bad += repeats_of_more_than_one_character(av[1])
        elif op == sre.ATOMIC_GROUP:
            bad += repeats_of_more_than_one_character(av)
        elif op == sre.GROUPREF_EXISTS:
            bad += repeats_of_more_than_one_character(av[1])
            if av[2] is not None:
                bad += repeats_of_more_than_one_character(av[2])
    return bad


def nested(pattern: str) -> list[str]:
    return repeats_of_more_than_one_character(sre_parse.parse(pattern))


def test_the_check_for_nested_quantifiers_finds_them():
    assert nested(r"(a+)+b")
    assert nested(r"(?:\.[\w-]+)+")  # the old e-mail pattern's domain
    assert nested(r"(?:[\s./()-]?\d)+")  # the old digit run
    assert nested(r"(?:a|ab)*c")
    assert not nested(r"(?<!\w)[+(]?\d[\d ./-]*(?:x\d{1,3})?")


def test_no_pattern_of_the_module_repeats_more_than_one_character():
    patterns = {
        name: value for name, value in vars(privacy).items() if isinstance(value, re.Pattern)
    }
    assert len(patterns) >= 15, sorted(patterns)
    for name, pattern in patterns.items():
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        assert not repeats_of_more_than_one_character(parsed), name


SIZE = 10_000
ADVERSARIAL = {
    "digits": "1" * SIZE,
    "zeros with spaces": "0 " * (SIZE // 2),
    "digits with dots": "1." * (SIZE // 2),
    "digits, dots and spaces": "12. 34 .56 " * (SIZE // 11),
    "every separator": "0 1. 2- 3/ (4) " * (SIZE // 15),
    "plus signs": "+0 " * (SIZE // 3),
    "phone numbers": "06 12 34 56 78 " * (SIZE // 15),
    "IP addresses": "1.1.1.1." * (SIZE // 8),
    "amounts": "€ 1.1" * (SIZE // 5),
    "commas": "1.1," * (SIZE // 4),
    "letters": "a" * SIZE,
    "at signs": "a@" * (SIZE // 2),
    "dotted domain": "a@b." * (SIZE // 4),
    "streets": "Dorpsstraat 12 1234 AB " * (SIZE // 23),
    "street words": "Laan van De " * (SIZE // 12),
    "dates": "12-03-1945 " * (SIZE // 11),
    "months": "12 maart " * (SIZE // 9),
    "cues": "geb. " * (SIZE // 5),
}


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_ten_thousand_characters_take_well_under_a_second(name):
    text = ADVERSARIAL[name]
    started = time.perf_counter()
    findings(text)
    warning_for(text)
    looks_identifying(text)
    pseudonym_problem(text)
    # About 0.2 s for all four on a busy 2-core machine; quadratic would be minutes.
    assert time.perf_counter() - started < 2.0
