"""Draft letters for the screen: the real PDF of one letter, NOT archived and NOT logged.

The app previews a letter before the user commits to it, and the template editor shows
unsaved wording; both need exactly what `reports.batch.produce_letters` would print,
without leaving evidence of a letter that never went out. The same checks apply (nothing
overdue, the consumer-law gate), so a draft that cannot be sent says why.

Public API:
    draft_letter(kind, client_id, as_of, *, template=None, letter_date=None) -> bytes
    sample_letter(kind, as_of, *, template=None, language='he', profile=None,
                  settings=None) -> bytes                     (a fictitious client)

`template` is unsaved wording in the letter's own language (the client's letter language;
for a sample, `language`).
"""
from __future__ import annotations

import datetime as dt
import io

from models.db.settings import load_profile
from models.ledger.open_invoice import OpenInvoice
from models.ledger.services import get_client
from models.letters.archive import (
    COLLECTION_KINDS,
    debt_notice_gate,
    load_letter_settings,
)
from models.letters.templates import check_language, get_templates
from models.negotiation.settlement_info import load_settlement_info
from reports import settlement_letters
from reports.batch import check_kind, client_not_found
from reports.letter_data import ClientLetterData, StatementEntry, load_letter_data
from reports.letters import NothingToSend, compose_for_client, letter_language
from reports.pdf import render_letters


def _render(kind: str, data: ClientLetterData, as_of: dt.date, template: str | None,
            letter_date: dt.date | None, settled=None, profile=None, settings=None) -> bytes:
    profile = profile if profile is not None else load_profile()
    settings = settings if settings is not None else load_letter_settings()
    templates = get_templates(kind)
    if template is not None:
        templates[letter_language(kind, data)] = template
    if kind in settlement_letters.KINDS:
        if settled is None:
            settled = load_settlement_info(kind, [data.client_id], as_of)
            settled = settled.get(data.client_id)
        content = settlement_letters.compose_settlement(kind, data, settled, profile, settings,
                                                        templates["he"], as_of, letter_date)
    else:
        content = compose_for_client(kind, data, profile, settings, templates, as_of,
                                     letter_date)
    buffer = io.BytesIO()
    render_letters([content], buffer, profile, settings)
    return buffer.getvalue()


def draft_letter(kind: str, client_id: int, as_of: dt.date, *, template: str | None = None,
                 letter_date: dt.date | None = None) -> bytes:
    """The PDF one client would get; raises NothingToSend (a ValidationError) if none."""
    check_kind(kind)
    data = load_letter_data([client_id], as_of).get(client_id)
    if data is None:
        raise client_not_found(client_id)
    if kind in COLLECTION_KINDS and data.is_person:
        gate = debt_notice_gate(get_client(client_id), as_of,
                                load_letter_settings().debt_notice_wait_days)
        if not gate.is_open:
            raise NothingToSend(gate.message)
    return _render(kind, data, as_of, template, letter_date)


def _sample_data(kind: str, as_of: dt.date, language: str = "he") -> ClientLetterData:
    """A made-up business client with two overdue invoices (or, for paid-in-full, none);
    abroad, for an English letter."""
    day = dt.timedelta(days=1)
    if language == "en":
        data = ClientLetterData(client_id=123, name="Example Ltd (sample client)",
                                is_person=False, address="1 Example Street", city="London",
                                zip="EC1A 1AA", contact_name="Jane Example", gender="female",
                                country="GB", letter_language="en")
    else:
        data = ClientLetterData(client_id=123, name="דוגמה בע\"מ (לקוח לדוגמה)", is_person=False,  # hebrew: sample letter
                                address="רחוב הדוגמה 1", city="תל אביב-יפו", zip="6100000",  # hebrew: sample letter
                                contact_name="ישראלה ישראלי")  # hebrew: sample letter
    first_issue, second_issue = as_of - 95 * day, as_of - 50 * day
    if kind == "paid-in-full":
        data.movements = {"ILS": [
            StatementEntry(first_issue, "חשבונית 1001", 1_170_000, 0, "invoice", "1001"),  # hebrew: sample letter
            StatementEntry(as_of - 10 * day, "תשלום – העברה בנקאית", 0, 1_170_000,  # hebrew: sample letter
                           "payment", "transfer")]}  # hebrew: sample letter
        data.last_payment_date = as_of - 10 * day
        return data
    data.invoices = [
        OpenInvoice(0, "1001", 0, "ILS", first_issue, first_issue + 30 * day, 1_170_000,
                    670_000, False, as_of),
        OpenInvoice(0, "1002", 0, "ILS", second_issue, second_issue + 30 * day, 351_000,
                    351_000, False, as_of)]
    data.movements = {"ILS": [
        StatementEntry(first_issue, "חשבונית 1001", 1_170_000, 0, "invoice", "1001"),  # hebrew: sample letter
        StatementEntry(second_issue, "חשבונית 1002", 351_000, 0, "invoice", "1002"),  # hebrew: sample letter
        StatementEntry(as_of - 40 * day, "תשלום – העברה בנקאית", 0, 500_000,  # hebrew: sample letter
                       "payment", "transfer")]}  # hebrew: sample letter
    data.last_payment_date = as_of - 40 * day
    return data


def sample_letter(kind: str, as_of: dt.date, *, template: str | None = None,
                  language: str = "he", profile=None, settings=None) -> bytes:
    """The letter as a made-up client would get it: previews wording with no real data;
    `language` 'en' previews the English wording (a client abroad). `profile` and
    `settings` (a BusinessProfile, LetterSettings) stand in for the stored ones: the
    first-run dialog shows the letterhead as typed, before anything is saved."""
    check_kind(kind)
    check_language(kind, language)
    settled = (settlement_letters.sample_info(kind, as_of)
               if kind in settlement_letters.KINDS else None)
    return _render(kind, _sample_data(kind, as_of, language), as_of, template, None, settled,
                   profile, settings)
