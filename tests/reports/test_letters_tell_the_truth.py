"""Every letter states only facts from the ledger and the archive.

Every letter kind is rendered over the demo ledger and over a seeded random ledger, at
several dates, as composed (logical order) and as printed (the PDF read back): no empty
placeholder, no "()", no "None", no "{name}" left over, and no claim of an earlier letter
the archive does not hold for that client. Then the cases of the issue, one by one: the
reference (סימוכין; "Our ref." in an English letter, tests/reports/test_english_letters.py)
printed is the one the archive keeps, later letters cite the earlier
ones by date and reference, "no payment" only when none came, partial payments stated,
the meeting summary needs a logged conversation, the debt notice is a private person's.
"""
from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from factory import setup_business
from pdfcheck import has_phrase, pdf_text

from models.common.dates import format_date
from models.contact.contact_log import log_contact
from models.db.settings import BusinessProfile, load_profile, save_profile
from models.demo.generator import make_demo
from models.ledger import services
from models.ledger.clients import Client
from models.letters.archive import (
    LETTER_KINDS,
    Letter,
    LetterSettings,
    load_letter_settings,
    save_letter_settings,
)
from models.letters.references import references
from models.letters.templates import ENGLISH_KINDS, get_template
from models.negotiation.settlement_info import load_settlement_info
from reports import settlement_letters
from reports.batch import produce_letters, select_clients
from reports.letter_data import load_letter_data
from reports.letters import NothingToSend, InfoBox, Paragraph, SignatureForm, Table, compose

# A claim of earlier requests in words the archive cannot back.
UNBACKED_CLAIMS = ("לפני כמה שבועות", "פניותינו הקודמות", "למרות פניותינו", "כבר פנינו")
CITATION = re.compile(r"מיום (\d\d/\d\d/\d{4}) \(סימוכין (\d+-\d+)\)")
LEFTOVER = re.compile(r"\{\w*\}")
# A word that needs what follows it, followed by nothing: an empty placeholder.
DANGLING = re.compile(r"(?:^|\s)(?:ביום|מיום|עד|של|בסך|לתאריך|בתאריך|בטלפון|בדוא\"ל|על)"
                      r"\s*(?:[.,;)]|$)|(?:סימוכין|השתתפו):\s*(?:[.,;)]|$)")


def _plain_profile() -> None:
    """A business whose own details hold no brackets, so '()' can only come from a letter."""
    save_profile(BusinessProfile(
        name="סטודיו אור", business_type="company", tax_id="515555556", address="הרצל 12",
        city="תל אביב", zip="6123456", phone="03-5551234", email="office@example.co.il",
        bank_details="בנק לאומי, סניף 800, חשבון 123456", bit_phone="050-1234567"))


def _texts(content) -> list[str]:
    out = [content.subject, *content.date_lines]
    for block in content.blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, InfoBox):
            out += [block.title, *block.lines]
        elif isinstance(block, Table):
            out += [block.heading, *[c for row in block.rows for c in row]]
            out += block.total_row or []
        elif isinstance(block, SignatureForm):
            out += [block.title, block.statement]
    return out


def _archive(client_id: int) -> set[tuple[str, str]]:
    letters = list(Letter.select().where(Letter.client == client_id))
    refs = references([l.id for l in letters])
    return {(format_date(l.letter_date), refs[l.id]) for l in letters}


def check_letter(content, data) -> bool:
    """One composed letter against the rules (see the module docstring)."""
    texts = _texts(content)
    whole = " ".join(texts)
    where = f"{content.kind} to client {content.client_id}"
    assert content.reference and f"סימוכין: {content.reference}" in content.date_lines, where
    for text in texts:
        assert "None" not in text, (where, text)
        assert not LEFTOVER.search(text), (where, text)
        assert not re.search(r"\(\s*\)", text), (where, text)
        assert not DANGLING.search(text), (where, text)
    for block in content.blocks:
        if isinstance(block, Paragraph):
            assert "  " not in block.text.strip(), (where, block.text)
    for claim in UNBACKED_CLAIMS:
        assert claim not in whole, (where, claim)
    cited = set(CITATION.findall(whole))
    assert cited <= _archive(content.client_id), (where, cited)
    if "במכתבנו" in whole or "במכתבינו" in whole or "לא התקבל" in whole:
        assert cited, (where, whole)
    if "מאז לא התקבל" in whole:
        last = max(dt.datetime.strptime(day, "%d/%m/%Y").date() for day, _ in cited)
        assert not [p for p in data.payments_to(data.overdue) if p.date >= last], where
    return bool(cited)


def compose_every_kind(day: dt.date) -> tuple[int, int]:
    """Compose every kind for every client as of `day`, checking each letter: how many
    were composed, and how many of them cite an earlier letter."""
    ids = [c.id for c in Client.select(Client.id)]
    data = load_letter_data(ids, day)
    profile, settings = load_profile(), load_letter_settings()
    composed = citing = 0
    for kind in LETTER_KINDS:
        template = get_template(kind)
        settled = (load_settlement_info(kind, ids, day)
                   if kind in settlement_letters.KINDS else None)
        for cid in ids:
            try:
                if settled is not None:
                    content = settlement_letters.compose_settlement(
                        kind, data[cid], settled.get(cid), profile, settings, template, day)
                else:
                    content = compose(kind, data[cid], profile, settings, template, day)
            except NothingToSend:
                continue
            citing += check_letter(content, data[cid])
            composed += 1
    return composed, citing


def produce_and_read_back(day: dt.date) -> int:
    """Produce (and archive) the letters an `--all` run writes as of `day`, read each back
    from its PDF: its reference as the archive derives it, and nothing left unfilled."""
    written = 0
    for kind in LETTER_KINDS:
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
            flat = "".join(text.split())
            assert "None" not in text and not LEFTOVER.search(text), (kind, row.client_id)
            # (an empty pair in logical order is checked on the composed letter: here a
            # name such as "הנדסה (2010)" reads back as ")(2010")
            assert "()" not in flat, (kind, row.client_id, text)
            english = (kind in ENGLISH_KINDS
                       and Client.get_by_id(row.client_id).letter_language == "en")
            label = "Our ref.:" if english else "סימוכין"  # an English letter's own label
            assert has_phrase(text, f"{label} {refs[row.id]}"), (kind, refs[row.id], text)
            for claim in UNBACKED_CLAIMS:
                assert claim not in " ".join(text.split()), (kind, claim)
        written += result.written
    return written


def _walk(start: dt.date) -> None:
    """Compose and produce at four dates a fortnight apart, so later letters have earlier
    ones to cite (and clients who paid in between)."""
    composed = citing = written = 0
    for step in range(4):
        day = start + dt.timedelta(days=15 * step)
        done, cited = compose_every_kind(day)
        composed, citing = composed + done, citing + cited
        if step < 3:
            written += produce_and_read_back(day)
    print(f"composed {composed}, citing {citing}, archived {written}")
    assert composed > 0 and citing > 0 and written > 0


DEMO_AS_OF = dt.date(2026, 3, 1)


def test_every_kind_over_the_demo_ledger(db):
    make_demo(clients=25, invoices=140, seed=7, as_of=DEMO_AS_OF)
    _plain_profile()
    save_letter_settings(LetterSettings(interest_rate_percent="6", collection_costs_agorot=12000))
    _walk(DEMO_AS_OF)


def _random_ledger(seed: int, start: dt.date) -> None:
    rng = random.Random(seed)
    for n in range(14):
        kind = rng.choice(["company", "person"])
        client = services.add_client(
            name=f"לקוח {n}" + (' בע"מ' if kind == "company" else ""), kind=kind,
            address=rng.choice(["", f"הדקל {n + 1}"]), city=rng.choice(["", "חיפה"]))
        if rng.random() < 0.4:
            services.add_contact_person(client.id, name=f"איש קשר {n}")
        invoices = []
        for k in range(rng.randint(0, 5)):
            issue = start - dt.timedelta(days=rng.randint(10, 200))
            invoices.append(services.add_invoice(
                client.id, f"R{n}-{k}", issue, str(rng.randint(100, 9000)),
                currency=rng.choice(["ILS", "ILS", "ILS", "USD"]),
                is_disputed=rng.random() < 0.1))
        for k in range(rng.randint(0, 3)):
            day = start - dt.timedelta(days=rng.randint(0, 120))
            payment = services.record_payment(
                client.id, day, str(rng.randint(50, 3000)), reference=f"P{n}-{k}",
                method=rng.choice(["transfer", "check"]), check_number=f"{n}{k}")
            if payment.method == "check" and rng.random() < 0.3:
                services.bounce_payment(payment.id, day + dt.timedelta(days=5))
        if rng.random() < 0.3:
            log_contact(client.id, dt.datetime.combine(start - dt.timedelta(days=3),
                                                       dt.time(11)),
                        rng.choice(["meeting", "phone"]), summary="סיכמנו על תשלום")


def test_every_kind_over_a_random_ledger(db):
    start = dt.date(2026, 9, 1)
    _plain_profile()
    save_letter_settings(LetterSettings(interest_rate_percent="4.5",
                                        collection_costs_agorot=15000))
    _random_ledger(2026, start)
    _walk(start)


# ---- the cases of the issue ---------------------------------------------------------

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture
def acme(db):
    setup_business(interest_rate_percent="", collection_costs_agorot=0)
    client = services.add_client(name="Acme בע\"מ", kind="company", address="הרצל 1",
                                 city="חיפה")
    for i in range(2):
        services.add_invoice(client.id, f"A-{i}", dt.date(2026, 6, 1) + dt.timedelta(days=30 * i),
                             "1000")
    return client


def _letter_text(kind, client, day, **kw):
    result = produce_letters(kind, [client.id], day, strict=True, **kw)
    return pdf_text(result.archive_path)


def test_three_letters_printed_the_same_day_cite_only_what_the_archive_holds(acme):
    reminder = _letter_text("reminder", acme, AS_OF)
    assert not has_phrase(reminder, "במכתבנו") and not has_phrase(reminder, "לא התקבל")
    assert has_phrase(reminder, f"סימוכין {acme.id}-1")
    second = _letter_text("second-reminder", acme, AS_OF)
    assert has_phrase(second, f"במכתבנו מיום {AS_OF:%d/%m/%Y}")
    assert has_phrase(second, f"סימוכין {acme.id}-1") and has_phrase(second, f"סימוכין {acme.id}-2")
    assert has_phrase(second, "מאז לא התקבל אצלנו תשלום")
    assert not has_phrase(second, "לפני כמה שבועות")
    final = _letter_text("final-warning", acme, AS_OF)
    assert has_phrase(final, "פנינו בעניין חוב זה במכתבינו")
    assert not has_phrase(final, "למרות פניותינו הקודמות")
    # the archive keeps each letter's reference: 1, 2, 3 in archive order
    rows = list(Letter.select().where(Letter.client == acme.id).order_by(Letter.id))
    assert list(references([r.id for r in rows]).values()) == [f"{acme.id}-{n}" for n in (1, 2, 3)]


def test_a_partial_payment_since_the_letter_is_stated(acme):
    _letter_text("reminder", acme, AS_OF - dt.timedelta(days=20))
    services.record_payment(acme.id, AS_OF - dt.timedelta(days=5), "300", reference="X1")
    text = _letter_text("second-reminder", acme, AS_OF)
    day = AS_OF - dt.timedelta(days=20)
    assert has_phrase(text, f"במכתבנו מיום {day:%d/%m/%Y}")
    assert has_phrase(text, f"ביום {AS_OF - dt.timedelta(days=5):%d/%m/%Y} התקבל תשלום חלקי של")
    assert "300.00" in text and not has_phrase(text, "לא התקבל")


def test_a_letter_about_an_older_debt_is_not_cited(db):
    setup_business()
    client = services.add_client(name="בית קפה בע\"מ", kind="company")
    old = services.add_invoice(client.id, "O-1", dt.date(2025, 1, 1), "500")
    produce_letters("reminder", [client.id], dt.date(2025, 3, 15), strict=True)
    services.record_payment(client.id, dt.date(2025, 4, 1), "500", reference="OLD",
                            invoice_ids=[old.id])
    services.add_invoice(client.id, "N-1", dt.date(2026, 6, 1), "800")
    text = _letter_text("second-reminder", client, AS_OF)
    assert not has_phrase(text, "במכתבנו") and not has_phrase(text, "לא התקבל")


def test_the_meeting_summary_needs_a_logged_conversation(db):
    from models.negotiation import settlements

    setup_business()
    client = services.add_client(name="Acme בע\"מ", kind="company")
    invoice = services.add_invoice(client.id, "M-1", dt.date(2026, 6, 1), "1000")
    settlements.create_settlement(client.id, [invoice.id], dt.date(2026, 10, 1))
    with pytest.raises(NothingToSend, match="יומן הקשר"):
        produce_letters("meeting-summary", [client.id], AS_OF, strict=True)


def test_the_debt_notice_is_refused_for_a_business(acme):
    with pytest.raises(NothingToSend, match="13ב2") as refused:
        produce_letters("debt-notice", [acme.id], AS_OF, strict=True)
    assert "עסק" in str(refused.value)


def test_the_debt_notice_gives_the_breakdown_the_end_of_the_14_days_and_whom_to_ask(db):
    setup_business(interest_rate_percent="10", collection_costs_agorot=15000)
    person = services.add_client(name="נועה ברק", kind="person", address="הנביאים 5",
                                 city="ירושלים")
    invoice = services.add_invoice(person.id, "P-1", dt.date(2026, 6, 1), "1000")
    as_of = invoice.due_date + dt.timedelta(days=73)
    text = _letter_text("debt-notice", person, as_of)
    end = as_of + dt.timedelta(days=14)
    assert has_phrase(text, f"בתוך 14 ימים מתאריך הודעה זו, כלומר עד {end:%d/%m/%Y}")
    assert has_phrase(text, f"ריבית חוזית בשיעור 10% לשנה עד {as_of:%d/%m/%Y}")
    assert "20.00" in text and "1,020.00" in text  # 1,000 × 10% × 73/365
    assert has_phrase(text, f"אם החוב לא ישולם עד {end:%d/%m/%Y}, יתווספו אליו הוצאות גבייה")
    assert "150.00" in text
    assert has_phrase(text, "פרטים לתשלום") and has_phrase(text, "בטלפון 03-5551234")
    (row,) = Letter.select().where(Letter.client == person.id)
    assert row.deadline_date == end


def test_counts_agree_and_nobody_is_addressed_by_gender(acme):
    text = " ".join(_letter_text("second-reminder", acme, AS_OF).split())
    assert has_phrase(text, "מועד התשלום של שתי החשבוניות המפורטות להלן עבר, והן עדיין פתוחות")
    for word in ("אליך", "שילמת", "תסדיר", "שלך", "תשלם", "תפנה"):
        assert word not in text
    one = services.add_client(name="יחיד בע\"מ", kind="company")
    services.add_invoice(one.id, "S-1", AS_OF - dt.timedelta(days=31), "100",
                         due_date=AS_OF - dt.timedelta(days=1))
    text = _letter_text("second-reminder", one, AS_OF)
    assert has_phrase(text, "החשבונית המפורטת להלן עבר, והיא עדיין פתוחה")
    assert has_phrase(text, "והעיכוב הארוך ביותר הוא יום אחד")
