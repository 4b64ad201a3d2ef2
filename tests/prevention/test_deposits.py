"""Deposits: requested, received before the invoice (kept as credit, not swept into an older
debt), applied after the invoice is issued; Today's list; the policy; migration 0006."""
import datetime as dt

import peewee
import pytest
from playhouse.migrations import Runner

from models.common.errors import ValidationError
from models.db import connection as dbmod
from models.db.opening import open_database
from models.ledger import services
from models.ledger.allocation import open_invoices
from models.prevention.deposits import (
    DepositRequest,
    apply_deposit,
    cancel_deposit,
    deposits_due,
    load_policy,
    receive_deposit,
    request_deposit,
    save_policy,
    unapplied_agorot,
)
from models.prevention.payment_history import client_history
from models.prevention.policy import PreventionPolicy
from models.queries.aging import aging_report

D = dt.date


@pytest.fixture
def old_debt(client):
    """The client already owes an older invoice: a deposit must not be swept into it."""
    return services.add_invoice(client.id, "90", D(2026, 8, 1), "700")


def test_deposit_received_before_the_invoice_and_applied_after(client, old_debt):
    deposit = request_deposit(client.id, "עיצוב אתר – הצעה 17", "3000", job_amount="10000",
                              requested_date=D(2026, 11, 1), due_date=D(2026, 11, 10))
    payment = receive_deposit(deposit.id, D(2026, 11, 8), reference="DEP-1")
    assert DepositRequest.get_by_id(deposit.id).status == "received"
    # the older debt is untouched; the deposit is credit on account
    assert [o.open_agorot for o in open_invoices(client.id, "ILS")] == [70_000]
    assert unapplied_agorot(payment) == 300_000
    row = aging_report(D(2026, 11, 22)).rows[0]
    assert row.credit == 300_000

    job = services.add_invoice(client.id, "91", D(2026, 12, 15), "10000")
    assert apply_deposit(deposit.id, job.id) == 300_000
    saved = DepositRequest.get_by_id(deposit.id)
    assert (saved.status, saved.invoice_id, saved.applied_date) == ("applied", job.id, D(2026, 12, 15))
    by_id = {o.invoice_id: o.open_agorot for o in open_invoices(client.id, "ILS")}
    assert by_id == {old_debt.id: 70_000, job.id: 700_000}
    assert unapplied_agorot(payment) == 0
    # as of a day before the invoice the deposit was still credit
    before = aging_report(D(2026, 12, 14)).rows[0]
    assert before.credit == 300_000


def test_a_deposit_larger_than_the_invoice_leaves_the_rest_as_credit(client):
    deposit = request_deposit(client.id, "סדנה", "1500", requested_date=D(2026, 11, 1),
                              due_date=D(2026, 11, 1))
    payment = receive_deposit(deposit.id, D(2026, 11, 1))
    small = services.add_invoice(client.id, "5", D(2026, 11, 20), "1000")
    assert apply_deposit(deposit.id, small.id) == 100_000
    assert unapplied_agorot(payment) == 50_000
    assert open_invoices(client.id, "ILS") == []


def test_wrong_steps_are_refused_in_hebrew(client):
    other = services.add_client(name="אחר בע\"מ")
    deposit = request_deposit(client.id, "עבודה", "100", requested_date=D(2026, 11, 1),
                              due_date=D(2026, 11, 5))
    job = services.add_invoice(client.id, "7", D(2026, 11, 20), "1000")
    with pytest.raises(ValidationError, match="רק מקדמה שהתקבלה"):
        apply_deposit(deposit.id, job.id)
    receive_deposit(deposit.id, D(2026, 11, 3))
    with pytest.raises(ValidationError, match="כבר התקבלה"):
        receive_deposit(deposit.id, D(2026, 11, 3))
    with pytest.raises(ValidationError, match="אפשר לבטל רק"):
        cancel_deposit(deposit.id, D(2026, 11, 4))
    foreign = services.add_invoice(other.id, "8", D(2026, 11, 20), "100")
    with pytest.raises(ValidationError, match="ללקוח אחר"):
        apply_deposit(deposit.id, foreign.id)
    with pytest.raises(ValidationError, match="גדולה מסכום העבודה"):
        request_deposit(client.id, "x", "200", job_amount="100", requested_date=D(2026, 11, 1),
                        due_date=D(2026, 11, 1))
    with pytest.raises(ValidationError, match="מוקדם מתאריך הבקשה"):
        request_deposit(client.id, "x", "20", requested_date=D(2026, 11, 5), due_date=D(2026, 11, 1))
    with pytest.raises(ValidationError, match="תארו"):
        request_deposit(client.id, "  ", "20", requested_date=D(2026, 11, 5), due_date=D(2026, 11, 6))
    with pytest.raises(ValidationError):
        request_deposit(client.id, "x", "-5", requested_date=D(2026, 11, 5), due_date=D(2026, 11, 6))


def test_today_lists_deposits_awaited_and_drops_received_and_cancelled(client):
    late = request_deposit(client.id, "צילום אירוע", "800", requested_date=D(2026, 11, 1),
                           due_date=D(2026, 11, 15))
    future = request_deposit(client.id, "מיתוג", "2000", requested_date=D(2026, 11, 20),
                             due_date=D(2026, 12, 1))
    paid = request_deposit(client.id, "אתר", "500", requested_date=D(2026, 11, 1),
                           due_date=D(2026, 11, 5))
    dropped = request_deposit(client.id, "בוטל", "500", requested_date=D(2026, 11, 1),
                              due_date=D(2026, 11, 5))
    request_deposit(client.id, "עתידי", "500", requested_date=D(2026, 12, 1), due_date=D(2026, 12, 5))
    receive_deposit(paid.id, D(2026, 11, 4))
    cancel_deposit(dropped.id, D(2026, 11, 6))
    rows = deposits_due(D(2026, 11, 22))
    assert [(r.id, r.days_late, r.is_due) for r in rows] == [(late.id, 7, True), (future.id, -9, False)]
    assert rows[0].client_name == client.name and "800.00" in rows[0].amount_text
    # as of a date before it was received, the paid one was still awaited
    assert paid.id in [r.id for r in deposits_due(D(2026, 11, 3))]


def test_a_bounced_deposit_check_is_awaited_again(client):
    deposit = request_deposit(client.id, "שיפוץ", "1000", requested_date=D(2026, 11, 1),
                              due_date=D(2026, 11, 5))
    payment = receive_deposit(deposit.id, D(2026, 11, 4), method="check", check_number="1234")
    assert deposits_due(D(2026, 11, 10)) == []
    services.bounce_payment(payment.id, D(2026, 11, 12))
    [row] = deposits_due(D(2026, 11, 22))
    assert (row.id, row.is_bounced) == (deposit.id, True)
    job = services.add_invoice(client.id, "1", D(2026, 11, 20), "5000")
    with pytest.raises(ValidationError, match="חזר"):
        apply_deposit(deposit.id, job.id)


def test_policy_round_trips_and_is_validated(db):
    assert load_policy() == PreventionPolicy()
    save_policy(PreventionPolicy(new_client_deposit_percent=40, public_body_max_terms="שוטף + 45"))
    policy = load_policy()
    assert (policy.new_client_deposit_percent, policy.public_body_max_terms) == (40, "שוטף+45")
    with pytest.raises(ValidationError):
        save_policy(PreventionPolicy(late_history_deposit_percent=-1))


def test_history_counts_lateness_and_bounced_checks(client):
    inv = services.add_invoice(client.id, "1", D(2026, 1, 1), "100", due_date=D(2026, 1, 31))
    services.record_payment(client.id, D(2026, 3, 2), "100", invoice_ids=[inv.id])
    services.add_invoice(client.id, "2", D(2026, 5, 1), "100")
    check = services.record_payment(client.id, D(2026, 6, 1), "100", method="check", check_number="9")
    services.bounce_payment(check.id, D(2026, 6, 5))
    history = client_history(client.id, D(2026, 11, 22))
    assert (history.settled_invoices, history.average_days_late, history.bounced_checks) == (1, 30.0, 1)


def test_previous_schema_with_data_gains_the_deposit_table(tmp_path):
    path = tmp_path / "old.db"
    raw = peewee.SqliteDatabase(str(path), pragmas={"foreign_keys": 1})
    raw.connect()
    previous = [n for n in sorted(p.stem for p in dbmod.MIGRATIONS_DIR.glob("[0-9]*.py"))
                if n < "0006"][-1]
    Runner(raw, directory=str(dbmod.MIGRATIONS_DIR)).up(target=previous)
    raw.execute_sql(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    raw.execute_sql(f"PRAGMA user_version = {int(previous[:4])}")
    raw.execute_sql("INSERT INTO client (id, name, search_key, kind, created_at) "
                    "VALUES (3, 'ותיק', 'ותיק', 'company', '2025-01-01T00:00:00')")
    raw.close()
    with open_database(path) as opened:
        assert opened.db.connection().execute("PRAGMA user_version").fetchone()[0] >= 6
        deposit = request_deposit(3, "עבודה ראשונה אחרי השדרוג", "250",
                                  requested_date=D(2026, 11, 1), due_date=D(2026, 11, 8))
        assert [r.id for r in deposits_due(D(2026, 11, 22))] == [deposit.id]
        with pytest.raises(peewee.IntegrityError):
            opened.db.execute_sql("UPDATE deposit_request SET status = 'lost'")
