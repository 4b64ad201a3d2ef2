"""The demo's clients abroad are true to their place: a London business has a London
street, a British postcode, a +44 number and pays in pounds; most are written to in
English; a debt abroad shows in the aging report and in an English letter in its own
currency, addressed for international mail. And the demo's contact log already holds
the breach of its breached settlement, once."""
import datetime as dt
import re
import subprocess
from collections import Counter

import pytest

from models.common.text import normalise_phone
from models.demo import words
from models.demo.generator import make_demo, plan_demo
from models.ledger.clients import normalise_foreign_postcode
from tests.conftest import AS_OF

_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _pattern(template: str) -> re.Pattern:
    """A words.py postcode or phone pattern as a regular expression."""
    parts = {"#": "[0-9]", "%": "[1-9]", "@": f"[{words.POSTCODE_LETTERS}]"}
    return re.compile("".join(parts.get(ch, re.escape(ch)) for ch in template))


def _street(template: str) -> re.Pattern:
    return re.compile(re.escape(template).replace(re.escape("{n}"), r"[1-9][0-9]*"))


@pytest.fixture(scope="module")
def ledger():
    return plan_demo(clients=600, invoices=3000, seed=5, as_of=AS_OF)


def test_every_client_abroad_has_the_street_postcode_phone_and_currency_of_one_place(ledger):
    abroad = [c for c in ledger.clients if c.kind == "foreign"]
    assert len(abroad) >= 20
    places = {(p.city, p.country): p for p in words.FOREIGN_PLACES}
    currencies = {}
    for c in abroad:
        row = c.row
        place = places[row["city"], row["country"]]
        streets = [postcode for street, postcode in place.streets
                   if _street(street).fullmatch(row["address"])]
        assert streets, (row["city"], row["address"])  # no Rue de Rivoli in London
        assert any(_pattern(code).fullmatch(row["zip"]) for code in streets), row["zip"]
        assert normalise_foreign_postcode(row["zip"]) == row["zip"]
        assert _pattern(place.phone).fullmatch(row["phone"]), row["phone"]
        assert normalise_phone(row["phone"]) == row["phone"]
        assert row["email"].endswith(place.web) and row["tax_id"] == ""
        assert c.currency == place.currency
        currencies[c.id] = place.currency
    for inv in ledger.invoices:
        if inv.client.id in currencies:
            assert inv.currency == currencies[inv.client.id]
    assert set(currencies.values()) == {"USD", "EUR", "GBP"}
    assert "GB" in {c.row["country"] for c in abroad} and "CA" not in {
        c.row["country"] for c in abroad}


def test_most_clients_abroad_get_english_letters_and_everyone_at_home_hebrew(ledger):
    languages = Counter(c.row["letter_language"] for c in ledger.clients if c.kind == "foreign")
    assert languages["en"] >= 0.75 * sum(languages.values())
    at_home = [c.row for c in ledger.clients if c.kind != "foreign"]
    assert all((r["country"], r["letter_language"]) == ("IL", "he") for r in at_home)


@pytest.mark.parametrize("clients", [3, 40, 60])
def test_even_a_small_demo_has_a_client_abroad_in_each_currency_who_pays_late(clients):
    ledger = plan_demo(clients=clients, invoices=clients * 7, seed=7, as_of=AS_OF)
    abroad = [c for c in ledger.clients if c.kind == "foreign"]
    expected = words.FOREIGN_CURRENCIES[:len(abroad)]
    assert [c.currency for c in abroad][:3] == list(expected)
    assert all(c.behaviour in ("late", "stopped") for c in abroad[:3])


def _pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return _MARKS.sub("", out)


def test_a_debt_in_pounds_is_demanded_in_pounds_from_a_british_address(db, tmp_path):
    from models.ledger.clients import Client
    from models.queries.aging import aging_report
    from reports.aging_pdf import write_aging_pdf
    from reports.batch import produce_letters

    make_demo(clients=60, invoices=400, seed=1, as_of=AS_OF)
    report = aging_report(AS_OF)
    owing = {row.client_id for row in report.rows if row.currency == "GBP" and row.total > 0}
    british = [c for c in Client.select().where(Client.country == "GB") if c.id in owing]
    assert british, "the demo has a debt in pounds"
    client = british[0]
    assert client.letter_language == "en" and re.fullmatch(r"[A-Z0-9]{2,4} [0-9][A-Z]{2}",
                                                            client.zip)

    out = tmp_path / "reminder.pdf"
    produce_letters("reminder", [client.id], AS_OF, out, strict=True)
    text = _pdf_text(out)
    lines = [line.strip() for line in text.splitlines()]
    # the window: the street, the town in capitals, the postcode, then the country
    at = lines.index(client.name)
    assert lines[at + 1:at + 5] == [client.address, client.city.upper(), client.zip,
                                    "UNITED KINGDOM"]
    assert "Dear Sir or Madam," in text and "£" in text and "₪" not in text
    assert "IBAN: IL07 0108 0000 0001 2345 678" in text and "SWIFT / BIC: LUMIILIT" in text

    aging = tmp_path / "aging.pdf"
    write_aging_pdf(report, aging)
    assert "לירה שטרלינג" in _pdf_text(aging)


def test_the_demo_writes_its_settlement_breach_to_the_contact_log_once(db):
    from models.contact.contact_log import ContactLogEntry
    from models.negotiation.settlement_status import record_breaches, settlement_status
    from models.negotiation.settlements import Settlement, SettlementEvent

    make_demo(clients=60, invoices=600, seed=1, as_of=AS_OF)
    breached = [s for s in Settlement.select()
                if settlement_status(s.id, AS_OF).state == "breached"]
    assert len(breached) == 1
    events = list(SettlementEvent.select().where(SettlementEvent.kind == "breach"))
    assert [e.settlement_id for e in events] == [breached[0].id]
    entry = ContactLogEntry.get_by_id(events[0].contact_log_id)
    assert entry.client_id == breached[0].client_id and "הופר" in entry.summary
    assert entry.occurred.date() == events[0].event_date <= AS_OF
    logged = ContactLogEntry.select().count()

    assert record_breaches(AS_OF) == []  # what the settlement page writes when opened
    assert ContactLogEntry.select().count() == logged
    assert SettlementEvent.select().count() == len(events)


def test_a_demo_settlement_leaves_out_an_invoice_a_post_dated_check_already_pays(db):
    """An invoice unpaid as of the demo's day but paid by a check dated later is paid as
    far as a settlement is concerned: it is not put into one (its instalment would be
    refused)."""
    from models.demo.settlements import add_demo_settlements
    from models.ledger import services
    from models.negotiation.settlements import Settlement, covered_invoices

    client = services.add_client(name='אופק הפקות בע"מ', kind="company")
    paid = services.add_invoice(client.id, "1", AS_OF - dt.timedelta(days=200), "5000",
                                due_date=AS_OF - dt.timedelta(days=170))
    services.record_payment(client.id, AS_OF - dt.timedelta(days=5), "5000",
                            invoice_ids=[paid.id], method="check", check_number="100",
                            check_date=AS_OF + dt.timedelta(days=40))
    unpaid = services.add_invoice(client.id, "2", AS_OF - dt.timedelta(days=190), "3000",
                                  due_date=AS_OF - dt.timedelta(days=160))

    counts = add_demo_settlements(AS_OF)

    assert counts["settlements"] == 1
    settlement = Settlement.get()
    assert [inv.id for inv in covered_invoices(settlement.id)] == [unpaid.id]
