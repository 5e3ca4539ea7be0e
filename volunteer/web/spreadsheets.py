"""Cells for spreadsheets that a spreadsheet program will not run as formulas."""


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet will not run as a formula: a leading = + - @ gets an apostrophe in front."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
