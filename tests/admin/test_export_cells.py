"""Cells of the donations export that a spreadsheet would run as formulas are defused,
also where the formula starts after a separator the spreadsheet splits the cell on."""

from __future__ import annotations

import pytest

from campaigns.admin.donations import safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('1;=HYPERLINK("http://evil","x")', '1;\'=HYPERLINK("http://evil","x")'),
        (";@SUM(A1)", ";'@SUM(A1)"),
        ("a;+1;-2", "a;'+1;'-2"),
        ("a,=1+1", "a,'=1+1"),
        ("a\t=1+1", "a\t'=1+1"),
        ("first line\n=1+1", "first line\n'=1+1"),
        ("a\r\n@SUM(A1)", "a\r\n'@SUM(A1)"),
        ("=1+1", "'=1+1"),
        ("\tTabbed", "'\tTabbed"),
    ],
)
def test_a_formula_after_a_separator_is_defused(value, cell):
    assert safe_cell(value) == cell


@pytest.mark.parametrize(
    "value", ["Lina; with thanks", "1,500.00", "a - b", "شكراً؛ =", "x=1", None, 1234]
)
def test_ordinary_text_is_left_alone(value):
    assert safe_cell(value) == ("" if value is None else str(value))
