"""The settlement agreement and the meeting summary speak in the debtor's own voice: a
business in the first person plural, signed for by an authorised signatory with name, role
and stamp; a man or a woman in the singular of that gender; a person of unknown gender in
wording that needs none. No slash forms ("מתחייב/ת") anywhere in these letters."""
import datetime as dt
import re

import pytest
from factory import setup_business
from pdfcheck import has_phrase, pdf_text

from models.db.settings import BusinessProfile
from models.ledger import services
from models.letters.archive import LetterSettings
from models.letters.templates import default_template
from models.negotiation import settlements as st
from reports.batch import produce_letters
from reports.letter_data import ClientLetterData
from reports.letters import Paragraph, SignatureForm
from reports.address import signer_voice
from reports.settlement_letters import compose_settlement, sample_info

AS_OF = dt.date(2026, 11, 22)
SLASH_FORM = re.compile(r"[\u05d0-\u05ea]/[\u05d0-\u05ea]")  # מתחייב/ת, מאשר/ת

DEBTORS = {  # voice -> (is_person, gender, contact person)
    "plural": (False, "female", "רונית כהן"),  # a company speaks as a body, whoever signs
    "male": (True, "male", ""),
    "female": (True, "female", ""),
    "neutral": (True, "unknown", ""),
}


def _letter(kind: str, voice: str):
    is_person, gender, contact = DEBTORS[voice]
    data = ClientLetterData(7, 'כהן ובניו בע"מ' if not is_person else "נועם שגיא", is_person,
                            "הרצל 1", "חיפה", "", contact, gender=gender)
    assert signer_voice(data) == voice
    return compose_settlement(kind, data, sample_info(kind, AS_OF),
                              BusinessProfile(name="סטודיו אור"), LetterSettings(),
                              default_template(kind), AS_OF)


def _debtor_form(content) -> SignatureForm:
    forms = [b for b in content.blocks if isinstance(b, SignatureForm)]
    assert len(forms) == 2  # both sides sign, ours first
    return forms[1]


@pytest.mark.parametrize("voice, says, not_says", [
    ("plural", ["אנו מודים בחוב", "ומתחייבים לשלמו", "מורשה חתימה", "חותמת"], ["קראתי", "אני"]),
    ("male", ["אני מודה בחוב", "ומתחייב לשלמו"], ["מתחייבת", "אנו"]),
    ("female", ["אני מודה בחוב", "ומתחייבת לשלמו"], ["מתחייב ", "אנו"]),
    ("neutral", ["חתימתי להלן היא הודאה בחוב", "והתחייבות לשלמו"],
     ["מתחייב", "מאשר", "אני", "אנו"]),
])
def test_the_debtor_undertakes_in_its_own_voice(voice, says, not_says):
    statement = _debtor_form(_letter("settlement", voice)).statement
    for phrase in says:
        assert phrase in statement
    for phrase in not_says:
        assert phrase not in statement


def test_a_business_signs_through_a_named_signatory_with_its_stamp():
    fields = _debtor_form(_letter("settlement", "plural")).fields
    assert {"שם מורשה החתימה", "תפקיד", "חתימה וחותמת"} <= set(fields)
    person = _debtor_form(_letter("settlement", "neutral")).fields
    assert "תפקיד" not in person and "ת.ז." in person and "חתימה" in person


@pytest.mark.parametrize("voice, confirms", [
    ("plural", "ואנו מאשרים"), ("male", "ואני מאשר "), ("female", "ואני מאשרת"),
    ("neutral", "וחתימתי להלן היא אישור")])
def test_the_meeting_summary_is_confirmed_in_the_same_voice(voice, confirms):
    assert confirms in _debtor_form(_letter("meeting-summary", voice)).statement


@pytest.mark.parametrize("kind", ["settlement", "meeting-summary"])
@pytest.mark.parametrize("voice", list(DEBTORS))
def test_no_slash_forms_anywhere(kind, voice):
    content = _letter(kind, voice)
    texts = [content.subject] + [b.text for b in content.blocks if isinstance(b, Paragraph)]
    texts += [t for b in content.blocks if isinstance(b, SignatureForm)
              for t in (b.title, b.statement)]
    assert not [t for t in texts if SLASH_FORM.search(t)]


def test_counts_are_stated_so_that_any_number_reads_correctly():
    content = _letter("settlement", "plural")
    text = " ".join(b.text for b in content.blocks if isinstance(b, Paragraph))
    assert "(מספר התשלומים: 4)" in text and "(מספר ימי החסד: 3)" in text
    assert "תשלום שיתקבל באיחור לא יבטל את ההפרה" in text


def test_a_company_agreement_printed_says_we_undertake(db):
    setup_business()
    client = services.add_client(name="אלפא תקשורת בע\"מ", kind="company", address="הרצל 1",
                                 city="חיפה", gender="female")
    services.add_contact_person(client.id, "רונית כהן")  # she signs for the company
    invoice = services.add_invoice(client.id, "A-1", dt.date(2026, 3, 1), "6000")
    s = st.create_settlement(client.id, [invoice.id], dt.date(2026, 11, 1), instalment_count=3)
    st.sign_settlement(s.id, dt.date(2026, 11, 2))
    text = pdf_text(produce_letters("settlement", [client.id], AS_OF, strict=True).archive_path)
    assert has_phrase(text, "אנו מודים בחוב כמפורט בו ומתחייבים לשלמו")
    assert has_phrase(text, "חתימה וחותמת") and not SLASH_FORM.search(text)


@pytest.mark.parametrize("voice, says, fields", [
    ("plural", "ואנו מסכימים להם", "חתימה וחותמת"),
    ("male", "ואני מסכים להם", "ת.ז."),
    ("female", "ואני מסכימה להם", "ת.ז."),
    ("neutral", "וחתימתי להלן היא הסכמה להם", "ת.ז."),
])
def test_the_terms_confirmation_is_agreed_to_in_the_clients_own_voice(voice, says, fields):
    from reports.letters import compose

    is_person, gender, contact = DEBTORS[voice]
    data = ClientLetterData(7, 'כהן ובניו בע"מ' if not is_person else "נועם שגיא", is_person,
                            "הרצל 1", "חיפה", "", contact, gender=gender)
    content = compose("terms-confirmation", data, BusinessProfile(name="סטודיו אור"),
                      LetterSettings(), default_template("terms-confirmation"), AS_OF)
    form = next(b for b in content.blocks if isinstance(b, SignatureForm))
    assert says in form.statement and fields in form.fields
    assert not SLASH_FORM.search(form.statement)
