"""Cells of the CSV files the clinic exports and imports: a value a spreadsheet would run as
a formula (OWASP "CSV injection") is written as text, and read back as it was stored."""

from __future__ import annotations

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_guarded(value: str) -> str:
    """The cell as exported: a leading quote makes Excel show a formula-like value as text.

    Values that already start with quotes before such a character get one more, so that
    `formula_unguarded` gives back exactly what was stored.
    """
    if value.lstrip("'").startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def formula_unguarded(value: str) -> str:
    """The cell as imported: undo `formula_guarded` (a phone "'+44 20 ..." is "+44 20 ...")."""
    if value.startswith("'") and value.lstrip("'").startswith(_FORMULA_STARTS):
        return value[1:]
    return value
