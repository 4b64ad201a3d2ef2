"""Who a letter is addressed to and how (reports.address), English letters for clients
abroad (reports.english) with IBAN and SWIFT, read back from the real PDF."""
import datetime as dt

import pytest
from factory import setup_business
from pdfcheck import pdf_text

from models.db.settings import load_profile, save_profile
from models.ledger import services
from reports.address import audience, greeting, recipient_block
from reports.batch import produce_letters
from reports.letter_data import ClientLetterData, load_letter_data

AS_OF = dt.date(2026, 11, 22)


def data(**fields) -> ClientLetterData:
    base = dict(client_id=1, name='מרום הדרכה בע"מ', is_person=False, address="הגפן 138",
                city="כפר סבא", zip="4410122")
    return ClientLetterData(**{**base, **fields})


def test_a_business_is_written_to_through_its_contact_person():
    d = data(contact_name="אילנה רייכמן", gender="female")
    assert recipient_block(d) == ['מרום הדרכה בע"מ', "לידי גב' אילנה רייכמן", "הגפן 138",
                                  "כפר סבא 4410122"]
    assert greeting(d) == "גב' אילנה רייכמן, שלום רב,"
    assert audience(d) == "female"


def test_a_business_without_a_contact_is_addressed_in_the_plural_not_by_its_legal_name():
    d = data(gender="male")  # a gender stored on a business with no contact means nothing
    assert recipient_block(d)[:2] == ['מרום הדרכה בע"מ', "הגפן 138"]
    assert greeting(d) == "שלום רב,"
    assert audience(d) == "plural"
    assert greeting(d, "en") == "Dear Sir or Madam,"


def test_a_person_of_unknown_gender_is_greeted_neutrally_and_a_title_is_used():
    person = data(name="עינב רוזן", is_person=True)
    assert greeting(person) == "שלום רב,"
    assert audience(person) == "neutral"
    assert recipient_block(person)[0] == "עינב רוזן"
    doctor = data(name="עינב רוזן", is_person=True, salutation='ד"ר', gender="female")
    assert recipient_block(doctor)[0] == 'ד"ר עינב רוזן'
    assert greeting(doctor) == 'ד"ר עינב רוזן, שלום רב,'
    assert greeting(data(name="Jane Smith", is_person=True, gender="female"), "en") == \
        "Dear Ms Jane Smith,"


def test_an_address_abroad_is_laid_out_for_international_mail():
    london = data(name="Silverline Health Ltd.", contact_name="James Whitfield",
                  address="12 Finsbury Square", city="London", zip="EC2A 1AS", country="GB")
    assert recipient_block(london, "en") == [
        "Silverline Health Ltd.", "Attn: James Whitfield", "12 Finsbury Square", "LONDON",
        "EC2A 1AS", "UNITED KINGDOM"]
    paris = data(name="Lumière SARL", address="107 Rue de Rivoli", city="Paris",
                 zip="75001", country="FR")
    assert recipient_block(paris, "en")[-2:] == ["75001 PARIS", "FRANCE"]
    # in a Hebrew letter too the country is last, in Latin capitals
    assert recipient_block(paris)[-1] == "FRANCE"


@pytest.fixture
def london(db):
    setup_business()
    profile = load_profile()
    profile.iban, profile.swift = "IL620108000000099999999", "POALILIT"
    save_profile(profile)
    client = services.add_client(name="Silverline Health Ltd.", kind="company",
                                 address="12 Finsbury Square", city="London", zip="ec2a 1as",
                                 country="United Kingdom", letter_language="en",
                                 gender="male")
    services.add_contact_person(client.id, "James Whitfield")
    services.add_invoice(client.id, "SL-1", dt.date(2026, 8, 1), "4500", currency="EUR",
                         due_date=dt.date(2026, 9, 1))
    return client


def test_the_client_abroad_is_stored_with_its_addressing(london):
    assert (london.country, london.zip, london.letter_language) == ("GB", "EC2A 1AS", "en")
    loaded = load_letter_data([london.id], AS_OF)[london.id]
    assert (loaded.country, loaded.letter_language, loaded.gender) == ("GB", "en", "male")


def test_an_english_reminder_to_london_in_a_foreign_currency_gives_iban_and_swift(london, tmp_path):
    out = tmp_path / "reminder.pdf"
    produce_letters("reminder", [london.id], AS_OF, out, strict=True)
    text = pdf_text(out)
    for phrase in ("Dear Mr James Whitfield,", "Friendly payment reminder", "UNITED KINGDOM",
                   "LONDON", "EC2A 1AS", "Attn: Mr James Whitfield",
                   "IBAN: IL62 0108 0000 0009 9999 999", "SWIFT / BIC: POALILIT",
                   "€4,500.00", "22 November 2026", "Yours sincerely,"):
        assert phrase in text, phrase
    assert "תזכורת" not in text and "לכבוד" not in text


def test_the_debt_notice_and_other_kinds_stay_hebrew_for_an_english_client(db, tmp_path):
    setup_business()
    person = services.add_client(name="Jane Smith", kind="person", country="GB",
                                 letter_language="en", city="London")
    services.add_invoice(person.id, "JS-1", dt.date(2026, 8, 1), "300",
                         due_date=dt.date(2026, 9, 1))
    out = tmp_path / "notice.pdf"
    produce_letters("debt-notice", [person.id], AS_OF, out, strict=True)
    text = pdf_text(out)
    assert "הודעת חוב" in text and "UNITED KINGDOM" in text


def test_a_shekel_debt_in_hebrew_has_no_iban(db, tmp_path):
    setup_business()
    profile = load_profile()
    profile.iban, profile.swift = "IL620108000000099999999", "POALILIT"
    save_profile(profile)
    client = services.add_client(name='כהן בע"מ', kind="company")
    services.add_contact_person(client.id, "נועה ברק")
    services.add_invoice(client.id, "1", dt.date(2026, 8, 1), "300", due_date=dt.date(2026, 9, 1))
    out = tmp_path / "he.pdf"
    produce_letters("reminder", [client.id], AS_OF, out, strict=True)
    text = pdf_text(out)
    assert "IBAN" not in text and "לידי נועה ברק" in text
