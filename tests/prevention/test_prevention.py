"""The terms-and-deposit recommendation for constructed histories, the legal limits of the
Payment Ethics law as settings, and due dates for every terms kind across month ends."""
import datetime as dt

import pytest

from models.common.errors import ValidationError
from models.common.terms import EOM_MONTHS, due_date
from models.prevention.policy import (
    PaymentHistory,
    PreventionPolicy,
    deposit_for,
    exceeds_legal_limit,
    explain_terms,
    legal_note,
    recommend_terms,
)

POLICY = PreventionPolicy()
GOOD = PaymentHistory(settled_invoices=8, average_days_late=0.0)
NEW = PaymentHistory()


def test_new_company_pays_the_new_client_deposit_on_business_terms():
    rec = recommend_terms(NEW, "company", 1_000_000, POLICY)
    assert (rec.terms, rec.deposit_percent, rec.deposit_agorot) == ("שוטף+30", 30, 300_000)
    assert any("לקוח חדש" in r for r in rec.reasons)
    assert rec.legal_note == ""


def test_punctual_company_needs_no_deposit():
    rec = recommend_terms(GOOD, "company", 500_000, POLICY)
    assert (rec.terms, rec.deposit_percent, rec.deposit_agorot) == ("שוטף+30", 0, 0)
    assert "בזמן" in rec.reasons[0]


def test_a_little_late_shortens_the_terms_without_a_deposit():
    rec = recommend_terms(PaymentHistory(settled_invoices=5, average_days_late=9.6, late_invoices=3),
                          "company", 500_000, POLICY)
    assert (rec.terms, rec.deposit_percent) == ("נטו 14", 0)
    assert "10 ימים" in rec.reasons[0]


@pytest.mark.parametrize("history, phrase", [
    (PaymentHistory(settled_invoices=4, average_days_late=45.0), "45 ימים"),
    (PaymentHistory(settled_invoices=4, average_days_late=0.0, broken_promises=2), "2 הבטחות"),
    (PaymentHistory(settled_invoices=4, average_days_late=0.0, bounced_checks=1), "חזר בעבר שיק;"),
])
def test_late_history_means_full_payment_in_advance(history, phrase):
    rec = recommend_terms(history, "company", 800_000, POLICY)
    assert (rec.terms, rec.deposit_percent, rec.deposit_agorot) == ("מיידי", 100, 800_000)
    assert any(phrase in r for r in rec.reasons)


def test_threshold_is_the_users_policy():
    history = PaymentHistory(settled_invoices=4, average_days_late=20.0)
    assert recommend_terms(history, "company", 0, POLICY).deposit_percent == 0
    strict = PreventionPolicy(late_days_threshold=14)
    assert recommend_terms(history, "company", 0, strict).deposit_percent == 100


def test_private_person_pays_immediately_and_reason_mentions_consumer_law():
    rec = recommend_terms(GOOD, "person", 300_000, POLICY)
    assert (rec.terms, rec.deposit_percent) == ("מיידי", 0)
    assert any("הגנת הצרכן" in r for r in rec.reasons)


def test_large_job_raises_the_deposit_and_both_reasons_show():
    rec = recommend_terms(NEW, "company", 2_500_000, POLICY)
    assert (rec.deposit_percent, rec.deposit_agorot) == (50, 1_250_000)
    assert any("לקוח חדש" in r for r in rec.reasons)
    assert any("עבודה גדולה" in r and "25,000.00" in r for r in rec.reasons)
    # the highest percentage wins: late history (100) over large job (50)
    late = PaymentHistory(settled_invoices=2, average_days_late=60.0)
    assert recommend_terms(late, "company", 2_500_000, POLICY).deposit_percent == 100


@pytest.mark.parametrize("kind, terms", [("public_body", "שוטף+30"),
                                         ("local_authority", "שוטף+45")])
def test_public_payers_get_the_legal_maximum_and_the_note(kind, terms):
    rec = recommend_terms(NEW, kind, 5_000_000, POLICY)
    assert (rec.terms, rec.max_terms, rec.deposit_percent) == (terms, terms, 0)
    assert "חוק מוסר תשלומים לספקים" in rec.legal_note and terms in rec.legal_note


def test_legal_limits_are_settings():
    policy = PreventionPolicy(public_body_max_terms="שוטף + 45")
    policy.validate()
    assert policy.public_body_max_terms == "שוטף+45"
    assert "שוטף+45" in legal_note("public_body", policy)
    issue = dt.date(2026, 11, 5)
    assert exceeds_legal_limit("שוטף+60", "public_body", POLICY, issue)
    assert not exceeds_legal_limit("נטו 30", "public_body", POLICY, issue)
    assert not exceeds_legal_limit("שוטף+90", "company", POLICY, issue)


def test_policy_validation_speaks_hebrew():
    with pytest.raises(ValidationError, match="בין 0 ל-100"):
        PreventionPolicy(new_client_deposit_percent=120).validate()
    with pytest.raises(ValidationError, match="אינם מוכרים"):
        PreventionPolicy(careful_terms="מחר בבוקר").validate()
    with pytest.raises(ValidationError):
        recommend_terms(NEW, "alien", 0, POLICY)


def test_deposit_rounds_half_up_to_agorot():
    assert deposit_for(333, 30) == 100  # 99.9 -> 100
    assert deposit_for(5, 50) == 3      # 2.5 -> 3
    assert deposit_for(1_000_001, 100) == 1_000_001


def test_explanations_name_the_terms():
    assert "ביום הוצאת החשבון" in explain_terms("מיידי")
    assert "45 ימים אחרי" in explain_terms("נטו 45")
    assert "מסוף החודש" in explain_terms("שוטף + 60")


@pytest.mark.parametrize("issue, terms, due", [
    (dt.date(2026, 1, 31), "מיידי", dt.date(2026, 1, 31)),
    (dt.date(2026, 1, 31), "נטו 30", dt.date(2026, 3, 2)),
    (dt.date(2028, 1, 31), "נטו 30", dt.date(2028, 3, 1)),     # leap February
    (dt.date(2026, 12, 20), "נטו 15", dt.date(2027, 1, 4)),    # across the year end
    (dt.date(2026, 11, 5), "שוטף+30", dt.date(2026, 12, 30)),
    (dt.date(2026, 1, 31), "שוטף+30", dt.date(2026, 3, 2)),
    (dt.date(2026, 2, 1), "שוטף+30", dt.date(2026, 3, 30)),
    (dt.date(2028, 2, 10), "שוטף+30", dt.date(2028, 3, 30)),   # Feb 29 is the month end
    (dt.date(2026, 12, 31), "שוטף+45", dt.date(2027, 2, 14)),
    (dt.date(2026, 3, 31), "שוטף+0", dt.date(2026, 3, 31)),
])
def test_due_dates_for_every_terms_kind_across_month_ends(issue, terms, due):
    assert due_date(issue, terms) == due


def test_end_of_following_months_reading():
    assert due_date(dt.date(2026, 1, 15), "שוטף+30", eom_reading=EOM_MONTHS) == dt.date(2026, 2, 28)
    assert due_date(dt.date(2027, 12, 1), "שוטף+60", eom_reading=EOM_MONTHS) == dt.date(2028, 2, 29)
