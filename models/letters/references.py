"""Reference numbers (סימוכין) of letters, and the earlier letters a letter may cite.

A letter's reference is derived from its archive row, so the archive keeps it with the
letter without a column of its own: "<client number>-<n>", n being the letter's place among
the client's archived letters in archive order (the first letter to client 17 is 17-1,
the third 17-3). Archive rows are never edited or deleted (migration 0009), so a reference
never changes once given.

A letter is composed (and its reference printed) before its row is written: the next
letter to a client gets n = the client's archived letters + 1, which is the place its row
takes, letters being archived by one writer at a time (models.db.writer_lock) and a batch
writing one letter per client.

Public API:
    format_reference(client_id, n) -> str
    references(letter_ids) -> {letter_id: reference}
    next_references(client_ids) -> {client_id: reference}
    CITED_KINDS; EarlierLetter
    earlier_letters(client_ids, as_of, kinds=CITED_KINDS) -> {client_id: [EarlierLetter]}
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from models.db.connection import database

_CHUNK = 500

# The letters a later dunning letter cites: the requests for payment already sent.
CITED_KINDS = ("debt-notice", "reminder", "second-reminder", "final-warning")


def format_reference(client_id: int, n: int) -> str:
    return f"{client_id}-{n}"


def _chunks(ids: Iterable[int]):
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), _CHUNK):
        yield unique[start:start + _CHUNK]


def _marks(ids: list[int]) -> tuple[str, dict]:
    return ",".join(f":i{k}" for k in range(len(ids))), {f"i{k}": v for k, v in enumerate(ids)}


# Each letter's place among its client's letters, in archive (id) order.
_NUMBERED = """
SELECT id, client_id, kind, letter_date, deadline_date,
       ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY id) AS n
FROM letter WHERE client_id IN ({clients})
"""


def references(letter_ids: Iterable[int]) -> dict[int, str]:
    """Letter id -> its reference (ids not in the archive are left out)."""
    out: dict[int, str] = {}
    for ids in _chunks(letter_ids):
        marks, params = _marks(ids)
        clients = f"SELECT client_id FROM letter WHERE id IN ({marks})"
        sql = (f"SELECT id, client_id, n FROM ({_NUMBERED.format(clients=clients)}) AS numbered "
               f"WHERE id IN ({marks})")
        for letter_id, client_id, n in database.execute_sql(sql, params):
            out[letter_id] = format_reference(client_id, n)
    return out


def next_references(client_ids: Iterable[int]) -> dict[int, str]:
    """Client id -> the reference its next archived letter will have."""
    out: dict[int, str] = {}
    for ids in _chunks(client_ids):
        marks, params = _marks(ids)
        counts = dict(database.execute_sql(
            f"SELECT client_id, COUNT(*) FROM letter WHERE client_id IN ({marks}) "
            "GROUP BY client_id", params))
        out.update((cid, format_reference(cid, counts.get(cid, 0) + 1)) for cid in ids)
    return out


@dataclass(frozen=True)
class EarlierLetter:
    """A letter the archive holds, as a later letter cites it."""
    letter_id: int
    kind: str
    letter_date: dt.date
    reference: str
    deadline_date: dt.date | None = None


def earlier_letters(client_ids: Iterable[int], as_of: dt.date,
                    kinds: Iterable[str] = CITED_KINDS) -> dict[int, list[EarlierLetter]]:
    """Client -> its archived letters of `kinds` dated by `as_of`, oldest first (one
    statement per 500 clients). Clients with none are left out."""
    kinds = list(kinds)
    out: dict[int, list[EarlierLetter]] = {}
    if not kinds:
        return out
    kind_marks = ",".join(f":k{k}" for k in range(len(kinds)))
    for ids in _chunks(client_ids):
        marks, params = _marks(ids)
        params.update({f"k{k}": v for k, v in enumerate(kinds)}, d=as_of.isoformat())
        sql = (f"SELECT id, client_id, kind, letter_date, deadline_date, n FROM "
               f"({_NUMBERED.format(clients=marks)}) AS numbered "
               f"WHERE kind IN ({kind_marks}) AND letter_date <= :d "
               "ORDER BY client_id, letter_date, id")
        for letter_id, cid, kind, day, deadline, n in database.execute_sql(sql, params):
            out.setdefault(cid, []).append(EarlierLetter(
                letter_id, kind, dt.date.fromisoformat(str(day)), format_reference(cid, n),
                dt.date.fromisoformat(str(deadline)) if deadline else None))
    return out
