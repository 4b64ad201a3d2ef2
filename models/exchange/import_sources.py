"""Where an import file comes from, and the column mapping chosen for it, remembered.

A freelancer who issues invoices in another program imports its export every month. Each
program writes its own headings; the person maps them to Gvia's fields once, and the next
month's file from the same program is mapped the same way. A *source* is known by its
header signature: the set of its headings (compared as the import compares headings, so
`Amount` and `amount ` are one). The mappings live in the database settings (they travel
with the ledger and its backups), newest first, at most MAX_SOURCES of them.

Public API:
    preview_source(path, kind) -> SourcePreview   the file's head and the mapping to offer
    field_choices(kind) -> list[(field, label)]   the fields a column may be imported as
    required_columns(kind)                        the fields a file of `kind` must have
    source_signature(headers) -> str
    remembered_mapping(kind, headers) -> dict | None
    remember_mapping(kind, headers, mapping)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.common.i18n import _
from models.db.settings import get_setting, set_setting
from models.exchange.import_rows import REQUIRED
from models.exchange.tabular import (
    FIELD_LABELS,
    FIELDS_BY_KIND,
    TablePreview,
    header_key,
    preview_table,
)

SETTING_KEY = "import_sources"
MAX_SOURCES = 100


@dataclass
class SourcePreview:
    table: TablePreview
    mapping: dict[str, str | None]  # header -> the field offered for it (None: left out)
    is_remembered: bool  # the mapping is the one chosen for this source before


def field_choices(kind: str) -> list[tuple[str, str]]:
    """(field, its name in the interface language) for every field of a `kind` file."""
    return [(name, _(FIELD_LABELS[kind][name])) for name in FIELDS_BY_KIND[kind]]


def required_columns(kind: str) -> tuple[tuple[str, ...], ...]:
    """The fields a `kind` file must have; each item is a field or its alternatives."""
    return REQUIRED[kind]


def source_signature(headers) -> str:
    """The source's identity: its headings as the import compares them, sorted."""
    return "|".join(sorted({key for key in map(header_key, headers) if key}))


def preview_source(path: str | Path, kind: str) -> SourcePreview:
    """The first rows of `path`, and for each column the field to import it as: the
    mapping remembered for a file with the same headings, else what the import itself
    recognises. Raises TableError for a file that cannot be read as a table."""
    table = preview_table(path, kind)
    mapping = dict(zip(table.headers, table.recognised))
    remembered = remembered_mapping(kind, table.headers)
    if remembered is not None:
        mapping.update(remembered)
    return SourcePreview(table, mapping, remembered is not None)


def _entries() -> list[dict]:
    stored = get_setting(SETTING_KEY, [])
    return [e for e in stored if isinstance(e, dict)] if isinstance(stored, list) else []


def remembered_mapping(kind: str, headers: list[str]) -> dict[str, str | None] | None:
    """The mapping last used for a `kind` file with exactly these headings, or None.
    A field this version no longer has is left to the import's own recognition."""
    signature = source_signature(headers)
    for entry in _entries():
        if entry.get("kind") == kind and entry.get("signature") == signature:
            stored = entry.get("mapping")
            if not isinstance(stored, dict):
                return None
            fields = FIELDS_BY_KIND[kind]
            mapping = {}
            for header in headers:
                name = stored.get(header_key(header), False)
                if name is False or (name and name not in fields):
                    continue
                mapping[header] = name or None
            return mapping
    return None


def remember_mapping(kind: str, headers: list[str], mapping: dict[str, str | None]) -> None:
    """Keep `mapping` as the one for `kind` files with these headings (newest first)."""
    signature = source_signature(headers)
    entry = {"kind": kind, "signature": signature,
             "mapping": {header_key(h): mapping.get(h) or "" for h in headers
                         if header_key(h)}}
    others = [e for e in _entries()
              if not (e.get("kind") == kind and e.get("signature") == signature)]
    set_setting(SETTING_KEY, [entry, *others][:MAX_SOURCES])
