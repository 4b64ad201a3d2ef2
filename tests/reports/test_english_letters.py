"""English letters are composed by the same code as the Hebrew ones (reports.letters with
language 'en'), so they state the same facts: the reference, the earlier letters the
archive holds (by date and reference), the partial payments, and in the final warning the
one amount with interest to the deadline and the fee, its sentence agreeing with its
table. Every English kind is rendered over the demo ledger and a seeded random ledger, at
several dates, composed and as printed; then the cases one by one, read back from the PDF;
and the user's own English wording is the one printed.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import subprocess

import pytest
from factory import setup_business
from pdfcheck import has_phrase, pdf_text

from models.common.errors import ValidationError
from models.db.settings import BusinessProfile, load_profile, save_profile
from models.demo.generator import make_demo
from models.ledger import services
from models.ledger.clients import Client
from models.letters.archive import (
    Letter,
    LetterSettings,
    load_letter_settings,
    save_letter_settings,
)
from models.letters.references import references
from models.letters.templates import (
    ENGLISH_KINDS,
    default_template,
    get_template,
    get_templates,
    is_customised,
    languages,
    restore_default,
    save_template,
)
from reports.batch import produce_letters, select_clients
from reports.english import english_date
from reports.letter_data import load_letter_data
from reports.letters import (
    InfoBox,
    NothingToSend,
    Paragraph,
    Table,
    compose,
    compose_for_client,
)

HEBREW = re.compile("[\u0590-\u05ff]")
LEFTOVER = re.compile(r"\{\w*\}")
MONTHS = ("January|February|March|April|May|June|July|August|September|October|November"
          "|December")
CITATION = re.compile(rf"(\d{{1,2}} (?:{MONTHS}) \d{{4}}) \(ref\. (\d+-\d+)\)")
# A word that needs what follows it, followed by nothing: an empty placeholder.
DANGLING = re.compile(r"\b(?:of|on|by|to|at|than|is|totalling)\s*(?:[.,;)]|$)|\bref\.:?\s*(?:[.,;)]|$)")
# Claims of earlier requests the archive would have to back.
UNBACKED_CLAIMS = ("despite our", "a few weeks ago", "previous requests", "we have already")


def _profile() -> None:
    """An English-named business with Hebrew bank details (as an Israeli account reads)."""
    save_profile(BusinessProfile(
        name="Or Studio Ltd", business_type="company", tax_id="515555556",
        address="12 Herzl Street", city="Tel Aviv", zip="6123456", phone="03-5551234",
        email="office@example.co.il", bank_details="בנק לאומי, סניף 800, חשבון 123456",
        bit_phone="050-1234567", iban="IL620108000000099999999", swift="LUMIILIT"))


def _all_in_english() -> None:
    Client.update(letter_language="en").execute()


def _texts(content) -> list[str]:
    out = [content.subject, *content.date_lines]
    for block in content.blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, InfoBox):
            out += [block.title, *block.lines]
        elif isinstance(block, Table):
            out += [block.heading, *block.columns, *[c for row in block.rows for c in row]]
            out += block.total_row or []
    return out


def _archive(client_id: int) -> set[tuple[str, str]]:
    letters = list(Letter.select().where(Letter.client == client_id))
    refs = references([l.id for l in letters])
    return {(english_date(l.letter_date), refs[l.id]) for l in letters}


def check_english(content, data, profile) -> bool:
    """One composed English letter against the rules: whether it cites an earlier one."""
    where = f"{content.kind} to client {content.client_id}"
    assert content.language == "en", where
    assert content.reference and f"Our ref.: {content.reference}" in content.date_lines, where
    texts = _texts(content)
    whole = " ".join(texts)
    # Hebrew only where the ledger's own data is Hebrew: names, the bank account
    own = [data.name, data.contact_name, data.address, data.city, profile.bank_details,
           *[i.number for i in data.invoices]]
    for text in texts:
        assert "None" not in text, (where, text)
        assert not LEFTOVER.search(text), (where, text)
        assert not re.search(r"\(\s*\)", text), (where, text)
        assert not DANGLING.search(text), (where, text)
        bare = text
        for phrase in sorted(filter(None, own), key=len, reverse=True):
            bare = bare.replace(phrase, "")
        assert not HEBREW.search(bare), (where, text)
    for block in content.blocks:
        if isinstance(block, Paragraph):
            assert "  " not in block.text.strip(), (where, block.text)
    for claim in UNBACKED_CLAIMS:
        assert claim not in whole.lower(), (where, claim)
    cited = set(CITATION.findall(whole))
    assert cited <= _archive(content.client_id), (where, cited)
    if "our letter" in whole or "No payment has reached us" in whole:
        assert cited, (where, whole)
    if "No payment has reached us since" in whole:
        last = max(dt.datetime.strptime(day, "%d %B %Y").date() for day, _ in cited)
        assert not [p for p in data.payments_to(data.overdue) if p.date >= last], where
    return bool(cited)


def compose_every_english_kind(day: dt.date) -> tuple[int, int]:
    ids = [c.id for c in Client.select(Client.id)]
    data = load_letter_data(ids, day)
    profile, settings = load_profile(), load_letter_settings()
    composed = citing = 0
    for kind in ENGLISH_KINDS:
        templates = get_templates(kind)
        for cid in ids:
            try:
                content = compose_for_client(kind, data[cid], profile, settings, templates, day)
            except NothingToSend:
                continue
            citing += check_english(content, data[cid], profile)
            composed += 1
    return composed, citing


def produce_and_read_back(day: dt.date) -> int:
    written = 0
    for kind in ENGLISH_KINDS:
        ids = select_clients(kind, day)
        if not ids:
            continue
        try:
            result = produce_letters(kind, ids, day)
        except NothingToSend:
            continue
        rows = list(Letter.select().where(Letter.file_path == result.archive_path.name))
        refs = references([r.id for r in rows])
        for row in rows:
            text = pdf_text(result.archive_path, row.first_page,
                            row.first_page + row.page_count - 1)
            assert "None" not in text and not LEFTOVER.search(text), (kind, row.client_id)
            assert has_phrase(text, f"Our ref.: {refs[row.id]}"), (kind, refs[row.id], text)
            assert "Yours " in text and "בכבוד רב" not in text, (kind, row.client_id)
        written += result.written
    return written


def _walk(start: dt.date) -> None:
    composed = citing = written = 0
    for step in range(4):
        day = start + dt.timedelta(days=15 * step)
        done, cited = compose_every_english_kind(day)
        composed, citing = composed + done, citing + cited
        if step < 3:
            written += produce_and_read_back(day)
    print(f"composed {composed}, citing {citing}, archived {written}")
    assert composed > 0 and citing > 0 and written > 0


def test_every_english_kind_over_the_demo_ledger(db):
    as_of = dt.date(2026, 3, 1)
    make_demo(clients=25, invoices=140, seed=7, as_of=as_of)
    _profile()
    _all_in_english()
    save_letter_settings(LetterSettings(interest_rate_percent="6", collection_costs_agorot=12000))
    _walk(as_of)


def test_every_english_kind_over_a_random_ledger(db):
    start = dt.date(2026, 9, 1)
    _profile()
    save_letter_settings(LetterSettings(interest_rate_percent="4.5",
                                        collection_costs_agorot=15000, show_hebrew_date=True))
    rng = random.Random(4242)
    for n in range(14):
        kind = rng.choice(["company", "person"])
        client = services.add_client(
            name=f"Client {n}" + (" Ltd" if kind == "company" else ""), kind=kind,
            address=rng.choice(["", f"{n + 1} Baker Street"]), city=rng.choice(["", "London"]),
            country="GB", letter_language="en", gender=rng.choice(["unknown", "female", "male"]))
        if rng.random() < 0.5:
            services.add_contact_person(client.id, name=f"Alex Contact {n}")
        for k in range(rng.randint(0, 5)):
            issue = start - dt.timedelta(days=rng.randint(10, 200))
            services.add_invoice(client.id, f"R{n}-{k}", issue, str(rng.randint(100, 9000)),
                                 currency=rng.choice(["ILS", "EUR", "USD"]),
                                 is_disputed=rng.random() < 0.1)
        for k in range(rng.randint(0, 4)):
            day = start - dt.timedelta(days=rng.randint(0, 120))
            payment = services.record_payment(
                client.id, day, str(rng.randint(50, 3000)), reference=f"P{n}-{k}",
                method=rng.choice(["transfer", "check"]), check_number=f"{n}{k}")
            if payment.method == "check" and rng.random() < 0.3:
                services.bounce_payment(payment.id, day + dt.timedelta(days=5))
    _walk(start)


# ---- the cases, read back from the PDF -----------------------------------------------

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture
def london(db):
    setup_business(interest_rate_percent="", collection_costs_agorot=0)
    client = services.add_client(name="Silverline Health Ltd.", kind="company",
                                 address="12 Finsbury Square", city="London", zip="EC2A 1AS",
                                 country="GB", letter_language="en", gender="female")
    services.add_contact_person(client.id, "Jane Whitfield")
    for i in range(2):
        services.add_invoice(client.id, f"SL-{i}", dt.date(2026, 6, 1) + dt.timedelta(days=30 * i),
                             "1000")
    return client


def _letter_text(kind, client, day, **kw):
    result = produce_letters(kind, [client.id], day, strict=True, **kw)
    return " ".join(pdf_text(result.archive_path).split())


def _table_rows(client) -> list[str]:
    """The last archived letter's lines as laid out (a table row on one line), spaces
    squeezed."""
    row = Letter.select().where(Letter.client == client.id).order_by(Letter.id.desc()).get()
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(row.path), "-"],
                         capture_output=True, check=True, text=True).stdout
    return [" ".join(line.split()) for line in out.splitlines()]


def test_english_letters_carry_their_reference_and_cite_the_earlier_ones(london):
    reminder = _letter_text("reminder", london, AS_OF)
    assert has_phrase(reminder, f"Our ref.: {london.id}-1")
    assert "our letter" not in reminder and "No payment" not in reminder
    assert has_phrase(reminder, "The two invoices listed below are past their due date")
    second = _letter_text("second-reminder", london, AS_OF)
    assert has_phrase(second, f"Our ref.: {london.id}-2")
    assert has_phrase(second, f"In our letter of 22 November 2026 (ref. {london.id}-1), we "
                              "wrote to you about this debt.")
    assert has_phrase(second, "No payment has reached us since.")
    final = _letter_text("final-warning", london, AS_OF)
    assert has_phrase(final, "We wrote to you about this debt in our letters of 22 November "
                             f"2026 (ref. {london.id}-1) and 22 November 2026 (ref. {london.id}-2).")
    assert has_phrase(final, "Registered mail") and has_phrase(final, "Dear Ms Jane Whitfield,")
    assert has_phrase(final, "Yours sincerely,")
    # the letterhead speaks English too (the business's own name and address as they are)
    assert has_phrase(final, "Tel. +972-3-5551234") and has_phrase(final, "Company (Ltd.)")
    assert "טלפון" not in final and "בכבוד רב" not in final


def test_an_english_letter_states_a_partial_payment_since_the_last_letter(london):
    first = AS_OF - dt.timedelta(days=20)
    _letter_text("reminder", london, first)
    services.record_payment(london.id, AS_OF - dt.timedelta(days=5), "300", reference="X1")
    text = _letter_text("second-reminder", london, AS_OF)
    assert has_phrase(text, f"In our letter of {english_date(first)} (ref. {london.id}-1)")
    assert has_phrase(text, "On 17 November 2026 we received a part payment of ₪300.00; the "
                            "balance set out below remains unpaid.")
    assert "No payment" not in text


def test_the_english_final_warning_names_principal_interest_to_the_deadline_and_the_fee(db):
    setup_business(interest_rate_percent="10", collection_costs_agorot=15000)
    client = services.add_client(name="Acme Trading Ltd", kind="company", country="GB",
                                 city="London", letter_language="en")
    invoice = services.add_invoice(client.id, "INV-1", dt.date(2026, 6, 1), "1000")
    as_of = invoice.due_date + dt.timedelta(days=73)
    text = _letter_text("final-warning", client, as_of)
    # as the Hebrew letter (test_interest_on_letters): the deadline is 25 October 2026;
    # 1,000.00 × 10% × 87/365 = 23.84 interest to it; + the 150.00 fee = 1,173.84
    assert has_phrase(text, "To settle this matter without proceedings, please pay ₪1,173.84 "
                            "no later than 25 October 2026.")
    assert has_phrase(text, "This amount is made up of the principal of ₪1,000.00, contractual "
                            "interest to 25 October 2026 of ₪23.84 and the collection fee of "
                            "₪150.00.")
    # the table says the same figures
    rows = _table_rows(client)
    assert "Amount payable by 25 October 2026" in rows
    assert "Principal: invoices past their due date ₪1,000.00" in rows
    assert "Contractual interest at 10% a year to 25 October 2026 ₪23.84" in rows
    assert "Collection fee (fixed, as agreed) ₪150.00" in rows
    assert "Payable by 25 October 2026 ₪1,173.84" in rows
    assert has_phrase(text, "A payment received after 25 October 2026 will carry further "
                            "interest of ₪0.27 for each day")
    assert "20.00" not in text  # not the interest to the calculation date
    assert has_phrase(text, "Dear Sir or Madam,") and has_phrase(text, "Yours faithfully,")
    (row,) = Letter.select().where(Letter.client == client.id)
    assert row.amount_agorot == 117384


def test_the_english_final_warning_total_is_principal_interest_to_the_deadline_and_fee(db):
    """Composed for every client of a ledger: the stated total is the table's, and is the
    principal + the interest to the deadline + the fee."""
    as_of = dt.date(2026, 3, 1)
    make_demo(clients=25, invoices=140, seed=11, as_of=as_of)
    _profile()
    _all_in_english()
    save_letter_settings(LetterSettings(interest_rate_percent="8", collection_costs_agorot=9000))
    ids = [c.id for c in Client.select(Client.id)]
    data = load_letter_data(ids, as_of)
    profile, settings = load_profile(), load_letter_settings()
    checked = 0
    for cid in ids:
        try:
            content = compose("final-warning", data[cid], profile, settings,
                              get_template("final-warning", "en"), as_of, language="en")
        except NothingToSend:
            continue
        deadline = content.deadline_date
        statement = data[cid].interest.until(deadline)
        ids_overdue = {l.invoice_id for l in data[cid].overdue}
        ils = [l for l in statement.lines if l.invoice_id in ids_overdue and l.currency == "ILS"]
        principal = sum(l.open_agorot for l in data[cid].overdue if l.currency == "ILS")
        if not principal:
            continue
        interest = sum(l.interest_agorot for l in ils)
        expected = principal + interest + 9000
        assert content.amount_agorot == expected, cid
        tables = [b for b in content.blocks if isinstance(b, Table)
                  and b.heading.startswith("Amount payable by")]
        shown = f"₪{expected // 100:,}.{expected % 100:02d}"
        assert tables[0].total_row == [f"Payable by {english_date(deadline)}", shown], cid
        sentence = next(b.text for b in content.blocks if isinstance(b, Paragraph)
                        and b.text.startswith("To settle this matter"))
        assert f"please pay {shown}" in sentence, cid
        checked += 1
    assert checked > 3


def test_a_customised_english_template_is_the_one_printed(london):
    assert languages("reminder") == ("he", "en") and languages("debt-notice") == ("he",)
    wording = ("A note from {business_name}\n\n{greeting}\n\nOur own words about "
               "{total_overdue}, ref. {reference}.\n\n{invoice_table}")
    save_template("reminder", wording, "en")
    assert is_customised("reminder", "en") and not is_customised("reminder")
    assert get_template("reminder") == default_template("reminder")  # Hebrew untouched
    text = _letter_text("reminder", london, AS_OF)
    assert has_phrase(text, "A note from")
    assert has_phrase(text, f"Our own words about ₪2,000.00, ref. {london.id}-1.")
    assert "Friendly payment reminder" not in text
    # a Hebrew client still gets the Hebrew wording
    hebrew = services.add_client(name='כהן בע"מ', kind="company")
    services.add_invoice(hebrew.id, "H-1", dt.date(2026, 6, 1), "500")
    assert has_phrase(_letter_text("reminder", hebrew, AS_OF), "תזכורת ידידותית לתשלום")
    restore_default("reminder", "en")
    assert get_template("reminder", "en") == default_template("reminder", "en")
    assert has_phrase(_letter_text("reminder", london, AS_OF, resend=True),
                      "Friendly payment reminder")


def test_english_wording_exists_only_for_the_english_kinds(db):
    for kind in ENGLISH_KINDS:
        assert "{greeting}" in default_template(kind, "en")
    with pytest.raises(ValidationError, match="debt-notice"):
        get_template("debt-notice", "en")
    with pytest.raises(ValidationError):
        save_template("deposit-request", "Subject\n\nText", "en")
    with pytest.raises(ValidationError):
        get_template("reminder", "fr")


def test_an_english_statement_shows_interest_without_a_fee_and_english_lines(db):
    setup_business(interest_rate_percent="10", collection_costs_agorot=15000)
    client = services.add_client(name="Acme Trading Ltd", kind="company", country="GB",
                                 city="London", letter_language="en")
    invoice = services.add_invoice(client.id, "INV-1", dt.date(2026, 6, 1), "1000")
    as_of = invoice.due_date + dt.timedelta(days=73)
    services.record_payment(client.id, as_of - dt.timedelta(days=3), "0.01", reference="T",
                            method="check", check_number="77")
    text = _letter_text("statement", client, as_of)
    assert has_phrase(text, "The debt with contractual interest")
    assert has_phrase(text, f"Our ref.: {client.id}-1")
    assert has_phrase(text, "Invoice INV-1") and has_phrase(text, "Payment – Cheque 77")
    assert "Collection fee" not in text and "תשלום" not in text


def test_a_paid_up_client_abroad_is_told_how_to_pay_in_its_own_currency(db):
    from models.db.settings import load_profile, save_profile

    setup_business(interest_rate_percent="", collection_costs_agorot=0)
    profile = load_profile()
    profile.iban, profile.swift = "IL620108000000099999999", "LUMIILITXXX"
    save_profile(profile)
    client = services.add_client(name="Acme Trading Ltd", kind="company", country="GB",
                                 city="London", letter_language="en")
    services.add_invoice(client.id, "INV-1", dt.date(2026, 6, 1), "1000", currency="EUR")
    services.record_payment(client.id, dt.date(2026, 7, 1), "1000", currency="EUR",
                            reference="T", method="transfer")
    text = _letter_text("statement", client, AS_OF)
    assert has_phrase(text, "IBAN: IL62 0108 0000 0009 9999 999")
    assert "Bit" not in text


def test_a_letter_abroad_gives_an_international_return_address_and_phone(london):
    text = _letter_text("reminder", london, AS_OF)
    assert has_phrase(text, "+972-3-5551234") and "03-5551234" not in text
    assert has_phrase(text, "ISRAEL")


def test_an_english_statement_names_a_bounced_cheques_bank_charge_in_english(london):
    payment = services.record_payment(london.id, dt.date(2026, 7, 1), "500", reference="C1",
                                      method="check", check_number="610")
    services.bounce_payment(payment.id, dt.date(2026, 7, 6), reason="insufficient_funds",
                            fee="25")
    text = _letter_text("statement", london, AS_OF)
    assert has_phrase(text, "Bank charge for a returned cheque")
    assert "עמלה" not in text
