"""What the two settlement letters (reports.settlement_letters) need from the database, as
plain data: each client's latest settlement that is signed or a draft, the invoices it
covers with their open amounts on the agreement date, its instalments and points, the
client's tax id, and the latest meeting or phone call in the contact log.

A batch is read in a fixed number of statements, whatever the number of settlements (the
covered invoices open on each agreement date: settlements.covered_open_invoices).

Public API:
    InstalmentLine, MeetingNote, SettlementInfo        plain data (covered: OpenInvoice rows)
    load_settlement_info(kind, client_ids, as_of) -> {client_id: SettlementInfo}
    settlement_letter_clients(kind, as_of) -> [client_id]           who gets one with --all
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.db.connection import database
from models.ledger.clients import Client
from models.ledger.open_invoice import OpenInvoice
from models.negotiation.settlements import (
    Settlement,
    SettlementInstalment,
    SettlementPoint,
    covered_open_invoices,
    grace_days,
)


@dataclass(frozen=True)
class InstalmentLine:
    seq: int           # 0: the down payment
    due_date: dt.date
    amount_agorot: int
    method: str
    check_number: str = ""
    check_bank: str = ""


@dataclass(frozen=True)
class MeetingNote:
    occurred_at: dt.datetime
    channel: str
    contact_name: str
    summary: str
    open_questions: str


@dataclass
class SettlementInfo:
    settlement_id: int
    status: str                       # "draft" or "signed"
    currency: str
    agreement_date: dt.date
    signed_date: dt.date | None
    debt_agorot: int
    discount_agorot: int
    down_payment_agorot: int
    down_payment_date: dt.date | None
    final_date: dt.date
    grace_days: int
    client_tax_id: str = ""
    covered: list[OpenInvoice] = field(default_factory=list)  # open on the agreement date
    instalments: list[InstalmentLine] = field(default_factory=list)
    agreed_points: list[str] = field(default_factory=list)
    open_points: list[str] = field(default_factory=list)
    meeting: MeetingNote | None = None

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def settled_agorot(self) -> int:
        return self.debt_agorot - self.discount_agorot


def _signed_by(as_of: dt.date):
    return (Settlement.status == "signed") & (Settlement.signed_date <= as_of)


def _latest_settlements(client_ids: list[int], as_of: dt.date) -> dict[int, Settlement]:
    """Client -> its latest settlement (by agreement date) signed by `as_of`, or a draft."""
    query = (Settlement.select()
             .where(Settlement.client.in_(client_ids)
                    & (_signed_by(as_of) | (Settlement.status == "draft")))
             .order_by(Settlement.agreement_date, Settlement.id))
    latest = {}
    for s in query:
        latest[s.client_id] = s  # the last one wins
    return latest


def settlement_letter_clients(kind: str, as_of: dt.date) -> list[int]:
    """`--all`: clients with a signed settlement (settlement) or a draft or signed one
    (meeting-summary)."""
    query = Settlement.select(Settlement.client).distinct()
    signed = _signed_by(as_of)
    query = query.where(signed if kind == "settlement"
                        else signed | ((Settlement.status == "draft")
                                       & (Settlement.agreement_date <= as_of)))
    return sorted(row.client_id for row in query)


# The latest meeting or phone call before the end of the day, as last written: an entry
# that a correction replaced is left out (models.contact.contact_log keeps both).
_MEETING_SQL = """
SELECT e.client_id, e.occurred_at, e.channel, e.contact_name, e.summary, e.open_questions
FROM contact_log e
WHERE e.client_id IN ({ids}) AND e.channel IN ('meeting', 'phone') AND e.occurred_at < ?
  AND NOT EXISTS (SELECT 1 FROM contact_log x WHERE x.corrects_id = e.id)
ORDER BY e.occurred_at, e.id
"""


def _latest_meetings(ids: list[int], as_of: dt.date) -> dict[int, MeetingNote]:
    marks = ",".join("?" * len(ids))
    next_day = (as_of + dt.timedelta(days=1)).isoformat()
    meetings = {}
    for cid, occurred, channel, contact, summary, questions in database.execute_sql(
            _MEETING_SQL.format(ids=marks), [*ids, next_day]):
        meetings[cid] = MeetingNote(dt.datetime.fromisoformat(occurred), channel, contact or "",
                                    summary or "", questions or "")
    return meetings


def load_settlement_info(kind: str, client_ids: list[int], as_of: dt.date
                         ) -> dict[int, SettlementInfo]:
    """The latest settlement of each client that has one (kind decides which count):
    for `settlement` only one signed by `as_of` or a draft."""
    ids = list(dict.fromkeys(client_ids))
    if not ids:
        return {}
    latest = _latest_settlements(ids, as_of)
    if not latest:
        return {}
    by_id = {s.id: s for s in latest.values()}
    grace = grace_days()
    tax_ids = dict(Client.select(Client.id, Client.tax_id).where(Client.id.in_(ids)).tuples())
    info = {s.id: SettlementInfo(
        s.id, s.status, s.currency, s.agreement_date, s.signed_date, s.debt_agorot,
        s.discount_agorot, s.down_payment_agorot, s.down_payment_date, s.final_date, grace,
        tax_ids.get(s.client_id) or "") for s in by_id.values()}
    for sid, invoices in covered_open_invoices(list(by_id)).items():
        info[sid].covered = invoices
    for line in (SettlementInstalment.select()
                 .where(SettlementInstalment.settlement.in_(list(by_id)))
                 .order_by(SettlementInstalment.seq)):
        info[line.settlement_id].instalments.append(InstalmentLine(
            line.seq, line.due_date, line.amount_agorot, line.method, line.check_number,
            line.check_bank))
    for point in (SettlementPoint.select().where(SettlementPoint.settlement.in_(list(by_id)))
                  .order_by(SettlementPoint.position, SettlementPoint.id)):
        target = info[point.settlement_id]
        (target.agreed_points if point.is_agreed else target.open_points).append(point.text)
    meetings = _latest_meetings(ids, as_of)
    result = {}
    for cid, s in latest.items():
        item = info[s.id]
        item.meeting = meetings.get(cid)
        if kind == "settlement" and s.status == "signed" and s.signed_date > as_of:
            continue
        result[cid] = item
    return result
