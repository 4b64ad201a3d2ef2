"""Hand-over routes: each one's availability at the caps' boundaries, the evidence and
registered-warning rules, bounced checks, the consumer gate, estimated costs, the
limitation warning and the legal-rules setting."""
import datetime as dt

import pytest

from models.collection.handover import (
    LegalRules,
    handover_options,
    limitation_date,
    limitation_warning,
    load_legal_rules,
    save_legal_rules,
)
from models.common.errors import ValidationError
from models.db.settings import load_profile, save_profile
from models.ledger import services
from models.letters.archive import (
    Letter,
    LetterRecord,
    record_letters,
    record_registered_mail,
)
from models.negotiation import settlements as st

AS_OF = dt.date(2026, 11, 22)
ISSUED = dt.date(2026, 5, 1)   # due 30/06/2026 under שוטף+30


def _business(kind: str) -> None:
    profile = load_profile()
    profile.business_type = kind
    save_profile(profile)


def _options(client_id, as_of=AS_OF):
    return {o.code: o for o in handover_options(client_id, as_of)}


def _letter(client_id, kind, day):
    record_letters([LetterRecord(client_id, kind, day, day, "", 0, "ILS", None, "x.pdf", 1, 1)])
    return Letter.select().order_by(Letter.id.desc()).first()


@pytest.mark.parametrize("amount, is_open", [("37700", True), ("37700.01", False)])
def test_small_claims_cap_boundary(client, amount, is_open):
    _business("licensed")
    services.add_invoice(client.id, "1", ISSUED, amount)
    option = _options(client.id)["small_claims"]
    assert option.is_available is is_open
    if not is_open:
        assert any("תקרת התביעות הקטנות" in m for m in option.missing)


def test_small_claims_is_closed_to_a_company_business(client):
    _business("company")
    services.add_invoice(client.id, "1", ISSUED, "1000")
    option = _options(client.id)["small_claims"]
    assert not option.is_available
    assert any("חברה" in m for m in option.missing)


def test_nothing_overdue_closes_every_route(client):
    services.add_invoice(client.id, "1", dt.date(2026, 11, 1), "1000")  # due 30/12
    assert not any(o.is_available for o in handover_options(client.id, AS_OF))


@pytest.mark.parametrize("amount, is_open", [("75000", True), ("75000.01", False)])
def test_execution_claim_cap_evidence_and_warning(client, amount, is_open):
    inv = services.add_invoice(client.id, "1", ISSUED, amount)
    option = _options(client.id)["execution_claim"]
    assert not option.is_available and len(option.missing) == (2 if is_open else 3)
    s = st.create_settlement(client.id, [inv.id], dt.date(2026, 8, 1), instalment_count=1)
    st.sign_settlement(s.id, dt.date(2026, 8, 1))
    warning = _letter(client.id, "final-warning", dt.date(2026, 10, 20))
    record_registered_mail(warning.id, "RR123456789IL", dt.date(2026, 10, 23))
    # Filing is allowed 30 days after the registered warning: 22/11/2026 exactly.
    assert not _options(client.id, dt.date(2026, 11, 21))["execution_claim"].is_available
    option = _options(client.id)["execution_claim"]
    assert option.is_available is is_open
    if not is_open:
        (missing,) = option.missing
        assert "75,000" in missing


def test_a_warning_not_sent_by_registered_mail_does_not_count(client):
    services.add_invoice(client.id, "1", ISSUED, "1000")
    _letter(client.id, "final-warning", dt.date(2026, 9, 1))
    _letter(client.id, "meeting-summary", dt.date(2026, 9, 1))
    option = _options(client.id)["execution_claim"]
    assert not option.is_available
    (missing,) = option.missing
    assert "לא נרשם משלוחו בדואר רשום" in missing
    evidence = [r for r in option.requirements if "ראיה בכתב" in r.text][0]
    assert evidence.is_met and "ודאו שחזר אליכם חתום" in evidence.text


def test_bounced_check_route_and_its_amount(client):
    services.add_invoice(client.id, "1", ISSUED, "5000")
    assert not _options(client.id)["execution_check"].is_available
    check = services.record_payment(client.id, dt.date(2026, 7, 1), "2000", method="check",
                                    check_number="123")
    services.bounce_payment(check.id, dt.date(2026, 7, 5))
    option = _options(client.id)["execution_check"]
    assert option.is_available and option.amount_agorot == 200000
    assert any("30 ימים" in n for n in option.notes)
    # Before it bounced the route was not open.
    assert not _options(client.id, dt.date(2026, 7, 4))["execution_check"].is_available


def test_lawyer_and_agency_are_always_open_with_estimated_costs(client):
    services.add_invoice(client.id, "1", ISSUED, "5000")
    options = _options(client.id)
    assert options["lawyer"].is_available and options["agency"].is_available
    assert options["lawyer"].estimated_cost_agorot == 150000        # the minimum (15% = 750)
    assert options["agency"].estimated_cost_agorot == 100000        # 20% of 5,000
    assert "הערכה בלבד" in options["lawyer"].cost_note
    save_legal_rules(LegalRules(lawyer_fee_percent="40", lawyer_fee_min_agorot=0))
    assert _options(client.id)["lawyer"].estimated_cost_agorot == 200000


def test_a_private_person_waits_for_the_debt_notice_gate(db):
    person = services.add_client(name="דנה לוי", kind="person", terms="שוטף+30")
    services.add_invoice(person.id, "1", ISSUED, "1000")
    options = handover_options(person.id, AS_OF)
    assert not any(o.is_available for o in options)
    assert all(any("הודעת חוב" in m for m in o.missing) for o in options)
    notice = _letter(person.id, "debt-notice", dt.date(2026, 11, 1))
    assert _options(person.id, dt.date(2026, 11, 14))["lawyer"].is_available is False
    assert _options(person.id, dt.date(2026, 11, 15))["lawyer"].is_available is True
    assert notice.kind == "debt-notice"


def test_foreign_currency_debt_is_mentioned_not_added(client):
    services.add_invoice(client.id, "1", ISSUED, "1000")
    services.add_invoice(client.id, "2", ISSUED, "300", currency="USD")
    option = _options(client.id)["lawyer"]
    assert option.amount_agorot == 100000
    assert any("מטבע חוץ" in n for n in option.notes)


def test_limitation_warning_window(client):
    services.add_invoice(client.id, "1", dt.date(2020, 1, 1), "1000")  # due 01/03/2020
    inv_due = services.get_invoice(1).due_date
    barred = limitation_date(client.id, AS_OF)
    assert barred == inv_due.replace(year=inv_due.year + 7)
    just_before_window = barred.replace(year=barred.year - 1) - dt.timedelta(days=1)
    assert limitation_warning(client.id, just_before_window) is None
    warn = limitation_warning(client.id, barred.replace(year=barred.year - 1))
    assert warn and "יתיישן" in warn and barred.strftime("%d/%m/%Y") in warn
    assert "עברה את תקופת ההתיישנות" in limitation_warning(client.id, barred)
    save_legal_rules(LegalRules(limitation_warn_months=3))
    assert limitation_warning(client.id, barred.replace(year=barred.year - 1)) is None


def test_no_open_invoice_no_limitation_warning(client):
    inv = services.add_invoice(client.id, "1", dt.date(2019, 1, 1), "1000")
    services.record_payment(client.id, dt.date(2019, 3, 1), "1000", invoice_ids=[inv.id])
    assert limitation_warning(client.id, AS_OF) is None


def test_legal_rules_round_trip_and_validation(db):
    assert load_legal_rules() == LegalRules()
    assert LegalRules().small_claims_cap_agorot == 3_770_000
    assert LegalRules().execution_claim_cap_agorot == 7_500_000
    save_legal_rules(LegalRules(small_claims_cap_agorot=4_000_000, limitation_warn_months=18))
    rules = load_legal_rules()
    assert rules.small_claims_cap_agorot == 4_000_000 and rules.limitation_warn_months == 18
    with pytest.raises(ValidationError, match="אינו מספר"):
        save_legal_rules(LegalRules(agency_fee_percent="abc"))
    with pytest.raises(ValidationError):
        save_legal_rules(LegalRules(small_claims_cap_agorot=-1))
    with pytest.raises(ValidationError, match="התיישנות"):
        save_legal_rules(LegalRules(limitation_years=0))
