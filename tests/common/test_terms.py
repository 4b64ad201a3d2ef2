"""Payment terms and due dates: every reading in docs/domain.md, "Payment terms and due dates"."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.common.errors import ValidationError
from models.common.terms import (
    EOM_DAYS,
    EOM_MONTHS,
    Terms,
    canonical_terms,
    due_date,
    end_of_month,
    parse_terms,
)

D = dt.date


# ---- the parser ----------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("מיידי", Terms("immediate")),
    ("מידי", Terms("immediate")),
    ("immediate", Terms("immediate")),
    ("נטו 45", Terms("net", 45)),
    ("נטו45", Terms("net", 45)),
    ("net 30", Terms("net", 30)),
    ("NET 30", Terms("net", 30)),
    ("נטו 0", Terms("immediate")),
    ("שוטף+30", Terms("eom", 30)),
    ("שוטף + 60", Terms("eom", 60)),
    ("שוטף  +  90", Terms("eom", 90)),
    ("שוטף 30", Terms("eom", 30)),
    ("eom+30", Terms("eom", 30)),
    ("EOM + 45", Terms("eom", 45)),
    ("\u200fשוטף+30\u200f", Terms("eom", 30)),  # a direction mark pasted from a document
    ("  שוטף+30  ", Terms("eom", 30)),
])
def test_accepted_spellings(text, expected):
    assert parse_terms(text) == expected


@pytest.mark.parametrize("text, canonical", [
    ("שוטף + 60", "שוטף+60"), ("eom+30", "שוטף+30"), ("net 30", "נטו 30"),
    ("נטו45", "נטו 45"), ("immediate", "מיידי"),
])
def test_terms_are_stored_in_one_canonical_hebrew_form(text, canonical):
    assert canonical_terms(text) == canonical
    assert canonical_terms(canonical) == canonical


def test_empty_terms_mean_the_default_current_plus_30():
    assert parse_terms("") == Terms("eom", 30)
    assert parse_terms(None) == Terms("eom", 30)


@pytest.mark.parametrize("text", ["כשיהיה כסף", "שוטף+", "נטו", "net thirty", "30", "שוטף-30",
                                  "נטו 1000", "שוטף+30 יום בערך"])
def test_nonsense_terms_get_a_clear_hebrew_message(text):
    with pytest.raises(ValidationError) as err:
        parse_terms(text)
    assert err.value.field == "terms"
    assert "תנאי התשלום" in str(err.value)
    assert "שוטף+30" in str(err.value)  # the message shows what would be accepted


# ---- due dates: the rule (N days after the month's end) -------------------------------

@pytest.mark.parametrize("issue, terms, due", [
    (D(2026, 11, 5), "מיידי", D(2026, 11, 5)),
    (D(2026, 11, 5), "נטו 30", D(2026, 12, 5)),
    (D(2026, 11, 5), "נטו 45", D(2026, 12, 20)),
    # the examples of docs/domain.md and the terms guide
    (D(2026, 11, 5), "שוטף+30", D(2026, 12, 30)),
    (D(2026, 1, 31), "שוטף+30", D(2026, 3, 2)),
    (D(2026, 1, 1), "שוטף+30", D(2026, 3, 2)),
    (D(2026, 11, 30), "שוטף+0", D(2026, 11, 30)),
    # 31 January in a leap year: 31/01 + 29 days is 29/02
    (D(2024, 1, 31), "שוטף+30", D(2024, 3, 1)),
    (D(2024, 1, 31), "שוטף+29", D(2024, 2, 29)),
    (D(2028, 1, 10), "שוטף+29", D(2028, 2, 29)),
    # February's own end: 29 in leap years, 28 otherwise (2100 is not a leap year)
    (D(2024, 2, 10), "שוטף+0", D(2024, 2, 29)),
    (D(2028, 2, 1), "שוטף+0", D(2028, 2, 29)),
    (D(2026, 2, 10), "שוטף+0", D(2026, 2, 28)),
    (D(2100, 2, 10), "שוטף+0", D(2100, 2, 28)),
    (D(2024, 2, 10), "שוטף+30", D(2024, 3, 30)),
    (D(2026, 2, 10), "שוטף+30", D(2026, 3, 30)),
    (D(2024, 2, 29), "נטו 30", D(2024, 3, 30)),
    (D(2024, 2, 29), "מיידי", D(2024, 2, 29)),
    # December -> January of the next year
    (D(2026, 12, 15), "שוטף+30", D(2027, 1, 30)),
    (D(2026, 12, 15), "שוטף+60", D(2027, 3, 1)),
    (D(2026, 12, 15), "נטו 30", D(2027, 1, 14)),
    (D(2026, 12, 31), "נטו 1", D(2027, 1, 1)),
])
def test_due_date_days_reading(issue, terms, due):
    assert due_date(issue, terms) == due
    assert due_date(issue, terms, eom_reading=EOM_DAYS) == due


# ---- due dates: "end of the Nth following month" (a setting) -------------------------

@pytest.mark.parametrize("issue, terms, due", [
    (D(2026, 11, 5), "שוטף+30", D(2026, 12, 31)),
    (D(2026, 11, 5), "שוטף+60", D(2027, 1, 31)),
    (D(2026, 11, 5), "שוטף+90", D(2027, 2, 28)),
    (D(2026, 1, 31), "שוטף+30", D(2026, 2, 28)),
    (D(2024, 1, 31), "שוטף+30", D(2024, 2, 29)),
    (D(2027, 12, 1), "שוטף+60", D(2028, 2, 29)),
    (D(2026, 12, 15), "שוטף+30", D(2027, 1, 31)),
    (D(2026, 12, 15), "שוטף+120", D(2027, 4, 30)),
    (D(2026, 3, 31), "שוטף+0", D(2026, 3, 31)),
])
def test_due_date_months_reading(issue, terms, due):
    assert due_date(issue, terms, eom_reading=EOM_MONTHS) == due


def test_months_reading_of_a_non_month_multiple_falls_back_to_days():
    # "שוטף+45" has no "end of the 1.5th month": the rule's reading applies.
    assert due_date(D(2026, 11, 5), "שוטף+45", eom_reading=EOM_MONTHS) == D(2027, 1, 14)


def test_net_and_immediate_ignore_the_eom_setting():
    assert due_date(D(2026, 1, 31), "נטו 30", eom_reading=EOM_MONTHS) == D(2026, 3, 2)
    assert due_date(D(2026, 1, 31), "מיידי", eom_reading=EOM_MONTHS) == D(2026, 1, 31)


def test_nonsense_terms_refused_by_due_date_too():
    with pytest.raises(ValidationError):
        due_date(D(2026, 1, 1), "בקרוב")


# ---- properties ----------------------------------------------------------------------

dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2150, 12, 31))


@given(dates, st.integers(0, 999))
def test_net_n_is_exactly_n_days(issue, n):
    assert (due_date(issue, f"נטו {n}") - issue).days == n


@given(dates, st.integers(0, 999))
def test_current_plus_n_is_n_days_after_the_month_end(issue, n):
    due = due_date(issue, f"שוטף+{n}")
    assert (due - end_of_month(issue)).days == n
    assert due >= issue


@given(dates, st.integers(0, 12))
def test_months_reading_lands_on_a_month_end_k_months_later(issue, k):
    due = due_date(issue, f"שוטף+{30 * k}", eom_reading=EOM_MONTHS)
    assert due == end_of_month(due)
    assert (due.year * 12 + due.month) - (issue.year * 12 + issue.month) == k
