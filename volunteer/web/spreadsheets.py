"""CSV downloads that Excel opens correctly, Swedish Excel first, and that no spreadsheet program runs as formulas."""
import csv
import io
import re

from flask import Response

# Swedish Excel (and every locale whose decimal mark is a comma) splits CSV on ";" when the file is opened with a
# double click; UTF-8 with a BOM keeps å, ä, ö, Arabic and Ukrainian; every cell is quoted so that a ";", ","
# or a line break inside a name stays in its cell.
DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# A program that splits on another separator (a comma, a tab) or ignores the quotes starts a new cell after any of
# these, so what follows one must not start a formula either: "Mallory;=2+5;x" becomes "Mallory;'=2+5;x".
_AFTER_SEPARATOR = re.compile(r"([,;\t\r\n][\s\"]*)(?=[=+\-@])")


def safe_cell(value) -> str:
    """A cell no spreadsheet runs as a formula, whichever separator it splits on: an apostrophe goes before a
    leading = + - @ (also after spaces or quotes), tab or line break, and before one that follows a separator."""
    text = _AFTER_SEPARATOR.sub(r"\1'", str(value))
    return "'" + text if text.lstrip(" \"").startswith(FORMULA_STARTS) or text.startswith(FORMULA_STARTS) else text


def csv_response(header: list, rows, filename: str) -> Response:
    """A CSV download: UTF-8 with BOM, ";" between cells, every cell quoted and made safe; not cached."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in (header, *rows):
        writer.writerow([safe_cell(value) for value in row])
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
