"""Tables as files people open in Excel: CSV (UTF-8 with a BOM, so Excel reads the Chinese) and xlsx."""
import csv
import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def safe_cell(value):
    """Text stays text, never a formula (a name starting with = would run in Excel), and holds no control
    characters (which xlsx cannot hold)."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def csv_bytes(headers: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([[safe_cell(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(headers: list[str], rows: list[list], title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(data: bytes) -> list[list[str]]:
    """The rows of an uploaded table, xlsx (its first sheet) or CSV in UTF-8, each cell as stripped text.
    Raises ValueError when it is neither."""
    if data[:2] == b"PK":  # an xlsx file is a zip archive
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as err:  # openpyxl raises many kinds for a broken or foreign zip
            raise ValueError("not an xlsx workbook") from err
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError("not UTF-8 text") from err
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def _cell_text(value) -> str:
    """An xlsx cell as the text a person typed: dates as YYYY-MM-DD, whole numbers (a phone number typed as a
    number) without .0."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
