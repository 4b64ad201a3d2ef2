"""A negotiation: opening position prefilled with the full debt, limits and their warnings,
the case file's own records."""
import datetime as dt

import pytest

from models.common.errors import ValidationError
from models.ledger import services
from models.negotiation import negotiations as ng

DAY = dt.date(2026, 11, 22)


@pytest.fixture
def negotiation(client):
    services.add_invoice(client.id, "1", dt.date(2026, 6, 1), "8000")
    services.add_invoice(client.id, "2", dt.date(2026, 11, 1), "2000")  # not yet due
    services.record_payment(client.id, dt.date(2026, 7, 1), "500", allocate=False)  # credit
    return ng.start_negotiation(client.id, DAY)


def test_opening_position_is_everything_owed_now_less_credit(negotiation):
    assert negotiation.opening_agorot == 950000


def test_a_proposal_within_the_limits_gets_no_warning(negotiation):
    n = ng.update_negotiation(negotiation.id, min_amount_agorot=800000, max_instalments=4,
                              latest_final_date=dt.date(2027, 6, 30), allow_final_warning=True)
    assert ng.limit_warnings(n, ng.Proposal(800000, 4, dt.date(2027, 6, 30),
                                            ("allow_final_warning",))) == []


def test_each_crossed_limit_is_named(negotiation):
    n = ng.update_negotiation(negotiation.id, min_amount_agorot=800000, max_instalments=4,
                              latest_final_date=dt.date(2027, 6, 30))
    warnings = ng.limit_warnings(n, ng.Proposal(799999, 5, dt.date(2027, 7, 1), ("allow_legal",)))
    assert len(warnings) == 4
    assert "נמוך מהסכום המינימלי" in warnings[0]
    assert "5 תשלומים" in warnings[1]
    assert "01/07/2027" in warnings[2]
    assert "העברה לטיפול משפטי" in warnings[3]


def test_a_settlement_over_part_of_the_debt_is_held_to_the_same_share(negotiation):
    n = ng.update_negotiation(negotiation.id, min_amount_agorot=855000)  # 90% of 9,500
    assert ng.limit_warnings(n, ng.Proposal(720000, debt_agorot=800000)) == []
    warnings = ng.limit_warnings(n, ng.Proposal(719999, debt_agorot=800000))
    assert len(warnings) == 1 and "720,000.00" not in warnings[0] and "7,200.00" in warnings[0]


def test_largest_discount_follows_the_minimum(negotiation):
    n = ng.update_negotiation(negotiation.id, min_amount_agorot=855000)
    discount, percent = ng.discount_limit(n)
    assert discount == 95000 and str(percent) == "10.0"


def test_a_minimum_above_the_opening_is_refused(negotiation):
    with pytest.raises(ValidationError, match="גבוה מעמדת הפתיחה"):
        ng.update_negotiation(negotiation.id, min_amount_agorot=950001)


def test_checklist_marks_the_negotiation_prepared(negotiation):
    assert not negotiation.is_prepared
    n = ng.update_negotiation(negotiation.id, **dict.fromkeys(ng.CHECKLIST, True))
    assert n.is_prepared


def test_case_records_relations_and_expenses(client):
    record = ng.add_case_record(client.id, "complaint", DAY, "טענה לאיחור באספקה")
    ng.update_case_record(record.id, status="resolved")
    assert [r.status_name for r in ng.case_records(client.id)] == ["הוסדר"]
    ng.add_relation(client.id, "client", "דנה", "pays")
    assert ng.relations(client.id)[0].role == "pays"
    ng.add_expense(client.id, DAY, "25.50", "דואר רשום")
    assert ng.expenses(client.id)[0].amount_agorot == 2550
    with pytest.raises(ValidationError):
        ng.add_case_record(client.id, "complaint", DAY, "   ")
    with pytest.raises(ValidationError):
        ng.add_relation(client.id, "nobody", "x", "pays")
