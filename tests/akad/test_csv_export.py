"""The CSV files' one rule and format: a cell a spreadsheet would calculate gets a quote in
front; every other cell, line breaks, quotes and semicolons included, reads back as it was."""

from __future__ import annotations

import csv
import io

import pytest

from akad.csv_export import csv_response, file_name, neutralise


@pytest.mark.parametrize(
    "cell",
    [
        "=1+1",
        '=HYPERLINK("https://voorbeeld.example";"klik")',
        "+31",
        "-1",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        " =1+1",
        "\n\n+1",
    ],
)
def test_a_cell_a_spreadsheet_would_calculate_gets_a_quote_in_front(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell",
    ["Wandelen met de hond", "1+1=2", "a@b", "'al een quote", "", "€ 12,50", "2026-03-14", "🍲"],
)
def test_other_cells_stay_as_they_are(cell):
    assert neutralise(cell) == cell


def test_values_that_are_not_text():
    assert [neutralise(value) for value in (None, 4, -2, 1962)] == ["", "4", "'-2", "1962"]


def read(response) -> list[list[str]]:
    return list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";")
    )


def test_the_file_reads_back_cell_for_cell():
    cells = [
        "Twee regels\nin één cel",
        "Windows\r\nregels",
        'Zij zei: "nee"',
        "a;b,c",
        "x" * 10_000,
        "=1+1",
    ]
    response = csv_response(filename="proef.csv", header=["Kop", "=Kop"], rows=[cells])
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8's byte-order mark, for Excel
    assert response["Content-Disposition"] == 'attachment; filename="proef.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, row = read(response)
    assert header == ["Kop", "'=Kop"]
    assert row == [*cells[:-1], "'=1+1"]


def test_the_file_name_is_one_ascii_slug():
    assert file_name("akad-clientgegevens", "Zoë de Vries", "2026-03-14") == (
        "akad-clientgegevens-zoe-de-vries-2026-03-14.csv"
    )
    assert file_name('"; filename=x.exe', "../../etc") == "filenamexexe-etc.csv"
    assert file_name("🦊") == "export.csv"
