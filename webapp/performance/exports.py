"""The dashboard's tables as CSV (UTF-8 with a BOM, so Excel reads the Chinese) and xlsx (openpyxl)."""
from flask_babel import lazy_gettext as _l

from webapp.spreadsheets import csv_bytes, xlsx_bytes

RATE_COLUMNS = [
    ("cases", _l("Cases")), ("response_due", _l("Response due")), ("response_on_time", _l("Responded in time")),
    ("response_rate", _l("Response rate")), ("resolution_due", _l("Resolution due")), ("resolved", _l("Resolved")),
    ("resolution_rate", _l("Resolution rate")), ("rated", _l("Rated")), ("satisfied", _l("Satisfied")),
    ("basically", _l("Basically satisfied")), ("unsatisfied", _l("Unsatisfied")), ("unrated", _l("Not rated")),
    ("satisfaction_rate", _l("Satisfaction rate")), ("rejected", _l("Rejected")),
]
COLUMNS = {
    "streets": [("name", _l("Street"))] + RATE_COLUMNS,
    "alleys": [("name", _l("Alley"))] + RATE_COLUMNS,
    "departments": [("name", _l("Department"))] + RATE_COLUMNS,
    "categories": [("name", _l("Category"))] + RATE_COLUMNS,
    "communities": [("name", _l("Community"))] + RATE_COLUMNS,
    "series": [("start", _l("From"))] + RATE_COLUMNS,
    "hotspots": [("name", _l("Alley")), ("street", _l("Street")), ("cases", _l("Cases")),
                 ("previous", _l("Cases in the previous period")), ("change", _l("Change"))],
}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _rows(table: str, rows: list[dict]) -> list[list]:
    return [[row.get(key) for key, _label in COLUMNS[table]] for row in rows]


def _headers(table: str) -> list[str]:
    return [str(label) for _key, label in COLUMNS[table]]


def as_csv(table: str, rows: list[dict]) -> bytes:
    return csv_bytes(_headers(table), _rows(table, rows))


def as_xlsx(table: str, rows: list[dict], title: str) -> bytes:
    return xlsx_bytes(_headers(table), _rows(table, rows), title)
