"""CSV files to download: what a spreadsheet opens, with every cell shown as text.

A cell that starts with = + - or @ is a formula to Excel and LibreOffice, and so is one that
starts with a tab or a carriage return (some programs skip those before they look): a typed
tip such as `=HYPERLINK("https://…";"klik")` would become a live link in the coordinator's
spreadsheet, or worse (CSV injection; OWASP). `neutralise` puts a single quote in front of
such a cell, which the spreadsheet shows as text; leading spaces do not hide a formula from
it either (an import that trims them would see one). Quoting, quotes inside a cell and line
breaks inside a cell are the csv module's (RFC 4180), so a cell reads back as it was.

The files are made for Dutch Excel, which opens a .csv with the list separator of the
computer's region settings: in the Netherlands that is the semicolon (the comma is the
decimal sign there), so cells are separated by ';' — a comma-separated file would open as
one column. They are UTF-8 with a byte-order mark in front: without it Excel reads a CSV as
Windows-1252 and garbles ë, € and emoji. (No `sep=;` line: with one, Excel ignores the
byte-order mark.) LibreOffice and Python's csv module (`delimiter=";"`) read them as well.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

DELIMITER = ";"
BYTE_ORDER_MARK = "\ufeff"
# What makes a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """The cell as text a spreadsheet shows and never calculates (None is empty)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START):
        return "'" + text
    return text


def file_name(*parts: str, fallback: str = "export") -> str:
    """`part-part-part.csv` as one ASCII slug: nothing of a typed name can break the header
    or the path (a pseudonym already holds no address or number; see sessions.privacy)."""
    return (slugify("-".join(parts)) or fallback) + ".csv"


def csv_response(
    *, filename: str, header: Sequence[object], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """A CSV file to save (attachment), every cell neutralised.

    The response gets the project's headers on its way out like any page (no-store, nosniff,
    the security policies): the file holds care data, so the browser keeps no copy of it.
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write(BYTE_ORDER_MARK)
    writer = csv.writer(response, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
