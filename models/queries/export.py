"""Data out: CSV that Excel opens with Hebrew intact (UTF-8 with BOM), JSON, XLSX.

Text cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a
line break) are neutralised with a leading apostrophe; numbers stay numbers.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from models.common.money import plain
from models.queries.aging import AgingReport

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value):
    """Prefix a text cell that starts like a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def aging_records(report: AgingReport) -> list[dict]:
    """The aging report as the CLI contract's records: clients, then a TOTAL per currency."""
    names = report.bucket_names
    records = []
    for row in report.rows + report.totals():
        record = {"client_id": row.client_id if row.client_id is not None else "",
                  "client": row.client, "currency": row.currency}
        record.update({name: plain(v) for name, v in zip(names, row.buckets)})
        record["total"] = plain(row.total)
        record["credit"] = plain(row.credit)
        records.append(record)
    return records


def write_csv(records: list[dict], columns: list[str], out) -> None:
    """CSV with a BOM; `out` is a text stream opened with newline=''."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([neutralise(record.get(c, "")) for c in columns])


def csv_text(records: list[dict], columns: list[str]) -> str:
    buffer = io.StringIO(newline="")
    write_csv(records, columns, buffer)
    return buffer.getvalue()


def json_text(records: list[dict], amount_keys: set[str] = frozenset()) -> str:
    """JSON list; `amount_keys` hold `plain()` strings written as JSON numbers, an empty
    client_id (a TOTAL row) as null."""
    def convert(record: dict) -> dict:
        out = {}
        for key, value in record.items():
            if key in amount_keys:
                value = float(value)
            elif value == "" and key.endswith("_id"):
                value = None
            out[key] = value
        return out
    return json.dumps([convert(r) for r in records], ensure_ascii=False, indent=2)


def write_xlsx(records: list[dict], columns: list[str], path: Path, *,
               numeric: set[str] = frozenset(), sheet_title: str = "Gvia") -> None:
    """An XLSX sheet, right-to-left, with numeric columns stored as numbers."""
    from decimal import Decimal

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    sheet.sheet_view.rightToLeft = True
    sheet.append(columns)
    for record in records:
        sheet.append([float(Decimal(str(record[c]))) if c in numeric and record.get(c) != ""
                      else neutralise(record.get(c, "")) for c in columns])
    book.save(path)
