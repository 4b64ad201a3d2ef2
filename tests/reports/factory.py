"""Building letter test data fast: many clients with open invoices, inserted in bulk."""
from __future__ import annotations

import datetime as dt

from models.common.text import search_key
from models.db.connection import database
from models.db.settings import BusinessProfile, save_profile
from models.ledger.clients import Client
from models.ledger.invoices import Invoice
from models.letters.archive import LetterSettings, save_letter_settings

HOSTILE_NAMES = [
    "A<B Ltd", "<a href=x>click</a>", "<img src=/etc/passwd>", "\u202eevil\u202c fdp.exe",
    "ש" * 200, 'כהן בע"מ', "O'Brien & Sons", "<b>bold</b> & <i>", "CON", "../../etc/passwd",
    "שם עם ״גרשיים״ ו׳גרש׳", "Acme (Israel) Ltd.", "😀 emoji 中文 name", "%(name)s {client_name}",
]


def setup_business(**settings) -> None:
    save_profile(BusinessProfile(
        name='סטודיו אור (Or Studio) בע"מ', business_type="company", tax_id="515555556",
        address="רחוב הרצל 12", city="תל אביב", zip="6123456", phone="03-5551234",
        email="office@or-studio.co.il", bank_details="בנק לאומי (10), סניף 800, חשבון 123456/78",
        bit_phone="050-1234567"))
    save_letter_settings(LetterSettings(**settings))


def add_clients(names: list[str], *, invoices_each: int = 3, kind: str = "company",
                first_issue: dt.date = dt.date(2026, 6, 1)) -> list[int]:
    """Clients with `invoices_each` open invoices each (issued monthly, due 30 days later)."""
    now = "2026-01-01T00:00:00"
    with database.atomic():
        first_id = (Client.select(Client.id).order_by(Client.id.desc()).scalar() or 0) + 1
        Client.insert_many([
            {"name": n[:200], "search_key": search_key(n[:200]), "kind": kind,
             "address": f"רחוב הדקל {i % 90 + 1}", "city": "חיפה", "zip": "3100000",
             "created_at": now} for i, n in enumerate(names)]).execute()
        ids = list(range(first_id, first_id + len(names)))
        rows = []
        for cid in ids:
            for k in range(invoices_each):
                issue = first_issue + dt.timedelta(days=30 * k)
                number = f"{cid}-{k + 1}"
                rows.append({"number": number, "number_key": number, "client": cid,
                             "issue_date": issue, "due_date": issue + dt.timedelta(days=30),
                             "amount_agorot": 123450 * (k + 1) + cid, "currency": "ILS",
                             "created_at": now})
        for start in range(0, len(rows), 500):
            Invoice.insert_many(rows[start:start + 500]).execute()
    return ids
