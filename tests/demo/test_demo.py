"""The demo ledger: realistic, deterministic, never mixed with real data, allocated
exactly as the services would have allocated it, and the same ledger on both engines."""
import datetime as dt
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import AS_OF, ROOT

CLIENTS, INVOICES, SEED = 40, 400, 7


def _make(path, clients=CLIENTS, invoices=INVOICES, seed=SEED):
    from models.db.opening import open_database
    from models.demo.generator import make_demo

    with open_database(path):
        return make_demo(clients=clients, invoices=invoices, seed=seed, as_of=AS_OF)


def _new_ledger(request, engine: str, folder, name: str):
    """A new empty ledger: a file in `folder`, or a database on the test server."""
    if engine == "postgres":
        return request.getfixturevalue("pg_server").new_ledger(name)
    return folder / f"{name}.db"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def demo_file(request, tmp_path_factory):
    """The demo built once per engine: (the ledger's path or URL, the counts)."""
    path = _new_ledger(request, request.param, tmp_path_factory.mktemp("demo"), "demo")
    counts = _make(path)
    return path, counts


@pytest.fixture
def demo(demo_file):
    from models.db.opening import open_database

    with open_database(demo_file[0]) as opened:
        yield opened


def _rows(sql, *params):
    from models.db.connection import database

    return database.execute_sql(sql, params).fetchall()


def _dump(path) -> dict:
    """Every row of every ledger table, for comparing two databases."""
    from models.db.opening import open_database

    with open_database(path):
        return {table: _rows(f"SELECT * FROM {table} ORDER BY 1")
                for table in ("setting", "client", "contact_person", "invoice", "credit_note",
                              "payment", "allocation")}


def test_counts_are_what_was_asked(demo_file, demo):
    path, counts = demo_file
    assert counts["clients"] == CLIENTS == _rows("SELECT count(*) FROM client")[0][0]
    assert counts["invoices"] == INVOICES == _rows("SELECT count(*) FROM invoice")[0][0]
    assert counts["payments"] == _rows("SELECT count(*) FROM payment")[0][0]
    # about one and a half payments per invoice, as in a real ledger
    assert 1.2 * INVOICES <= counts["payments"] <= 1.9 * INVOICES


def test_same_seed_same_data_other_seed_other_data(request, demo_file, tmp_path):
    engine = "sqlite" if isinstance(demo_file[0], Path) else "postgres"
    again, other = (_new_ledger(request, engine, tmp_path, name) for name in ("again", "other"))
    _make(again)
    _make(other, seed=SEED + 1)
    first = _dump(demo_file[0])
    assert _dump(again) == first
    assert _dump(other)["client"] != first["client"]


def test_refuses_a_database_that_already_has_clients(db):
    from models.common.errors import GviaError
    from models.demo.generator import make_demo
    from models.ledger import services

    services.add_client(name="לקוח אמיתי בע\"מ")
    with pytest.raises(GviaError, match="כבר יש לקוחות"):
        make_demo(clients=5, invoices=10, seed=1, as_of=AS_OF)
    assert _rows("SELECT count(*) FROM client")[0][0] == 1
    assert _rows("SELECT count(*) FROM invoice")[0][0] == 0


@pytest.mark.parametrize("clients, invoices", [(-1, 10), (5, -3), (0, 10)])
def test_impossible_sizes_are_refused_in_hebrew(db, clients, invoices):
    from models.common.errors import ValidationError
    from models.demo.generator import make_demo

    with pytest.raises(ValidationError, match="[א-ת]"):
        make_demo(clients=clients, invoices=invoices, seed=1, as_of=AS_OF)


def test_sets_a_business_profile_when_there_is_none(demo):
    from models.db.settings import load_profile

    profile = load_profile()
    assert profile.is_set_up and profile.name and profile.tax_id


def test_clients_are_people_and_businesses_with_valid_details(demo):
    from models.common.text import (
        israeli_id_is_valid,
        normalise_email,
        normalise_phone,
        normalise_zip,
    )

    from models.ledger.clients import normalise_foreign_postcode

    clients = _rows("SELECT name, kind, tax_id, email, phone, zip, city, terms, country "
                    "FROM client")
    kinds = Counter(kind for _, kind, *_ in clients)
    assert kinds["person"] >= 5 and kinds["company"] >= 5
    names = [name for name, *_ in clients]
    assert len(set(names)) == len(names)
    assert any('בע"מ' in n for n in names) and any("עמותת" in n for n in names)
    assert any("ושות'" in n for n in names)
    for name, kind, tax_id, email, phone, zip_code, city, terms, country in clients:
        assert city and zip_code
        if country == "IL":
            assert israeli_id_is_valid(tax_id), (name, tax_id)
            assert len(zip_code) == 7 and normalise_zip(zip_code) == zip_code
        else:  # abroad: no Israeli tax id, the postcode of the client's own country
            assert tax_id == "" and kind == "company"
            assert normalise_foreign_postcode(zip_code) == zip_code
        if kind == "company" and tax_id:
            assert tax_id.startswith("5"), (name, tax_id)
        assert normalise_phone(phone) == phone
        assert normalise_email(email) == email
    terms = {row[7] for row in clients}
    assert {"מיידי", None} <= terms and any(t and t.startswith("שוטף+") for t in terms)


def test_invoices_span_three_years_in_three_currencies(demo):
    first, last = _rows("SELECT min(issue_date), max(issue_date) FROM invoice")[0]
    assert dt.date.fromisoformat(first) <= AS_OF - dt.timedelta(days=2 * 365)
    assert dt.date.fromisoformat(last) <= AS_OF
    currencies = dict(_rows("SELECT currency, count(*) FROM invoice GROUP BY currency"))
    assert currencies["ILS"] > currencies.get("USD", 0) > 0 and currencies.get("EUR", 0) > 0


def test_the_ledger_holds_the_hard_cases(demo):
    one = lambda sql: _rows(sql)[0][0]  # noqa: E731
    assert one("SELECT count(*) FROM payment WHERE bounced_date IS NOT NULL") >= 1
    assert one("SELECT count(*) FROM allocation WHERE reversed_date IS NOT NULL") >= 1
    assert one("SELECT count(*) FROM payment WHERE check_date > date") >= 1  # post-dated
    assert one("SELECT count(*) FROM invoice WHERE is_disputed <> 0") >= 1
    assert one("SELECT count(*) FROM invoice WHERE cancelled_date IS NOT NULL") >= 1
    assert one("SELECT count(*) FROM credit_note") >= 1
    assert one("SELECT count(DISTINCT method) FROM payment") >= 4
    partial = one("""SELECT count(*) FROM invoice i WHERE cancelled_date IS NULL
                     AND (SELECT coalesce(sum(amount_agorot), 0) FROM allocation a
                          WHERE a.invoice_id = i.id AND reversed_date IS NULL)
                         BETWEEN 1 AND i.amount_agorot - 1""")
    assert partial >= 1


def test_aging_has_money_in_every_bucket_and_some_credit(demo):
    from models.queries.aging import aging_report

    report = aging_report(AS_OF)
    ils = next(t for t in report.totals() if t.currency == "ILS")
    assert all(amount > 0 for amount in ils.buckets), ils.buckets
    assert ils.credit > 0
    assert {"ILS", "USD", "EUR"} <= set(report.currencies())


def test_nothing_is_allocated_beyond_an_invoice_or_a_payment(demo):
    over_invoice = _rows("""SELECT count(*) FROM invoice i WHERE i.amount_agorot <
        (SELECT coalesce(sum(amount_agorot), 0) FROM allocation a
         WHERE a.invoice_id = i.id AND a.reversed_date IS NULL)""")[0][0]
    over_payment = _rows("""SELECT count(*) FROM payment p WHERE p.amount_agorot <
        (SELECT coalesce(sum(amount_agorot), 0) FROM allocation a
         WHERE a.payment_id = p.id)""")[0][0]
    assert over_invoice == 0 and over_payment == 0


# ---- the demo allocates as record_payment does -----------------------------------------

def _replay(ledger) -> None:
    """Enter the planned ledger through the services, day by day, as a user would have."""
    from models.demo.generator import BOUNCED, CANCELLED, CREDITED, ISSUED, PAID, day
    from models.ledger import services

    for c in ledger.clients:
        made = services.add_client(**{k: v for k, v in c.row.items()
                                      if k in services.CLIENT_FIELDS})
        assert made.id == c.id
    events = []
    for inv in ledger.invoices:
        events.append((inv.issue, ISSUED, inv.id, inv))
        if inv.cancelled is not None:
            events.append((inv.cancelled, CANCELLED, inv.id, inv))
    events += [(n.date, CREDITED, n.id, n) for n in ledger.credit_notes]
    for p in ledger.payments:
        events.append((p.date, PAID, p.id, p))
        if p.bounced is not None:
            events.append((p.bounced, BOUNCED, p.id, p))
    events.sort(key=lambda e: e[:3])
    invoice_ids, payment_ids = {}, {}
    money = lambda agorot: Decimal(agorot) / 100  # noqa: E731
    for when, rank, _, obj in events:
        if rank == ISSUED:
            invoice_ids[obj.id] = services.add_invoice(
                obj.client.id, obj.number, day(obj.issue), money(obj.amount),
                currency=obj.currency, due_date=day(obj.due), description=obj.description,
                kind=obj.kind, is_disputed=obj.is_disputed).id
        elif rank == CANCELLED:
            services.cancel_invoice(invoice_ids[obj.id], day(when))
        elif rank == CREDITED:
            services.add_credit_note(
                obj.client.id, obj.number, day(when), money(obj.amount), currency=obj.currency,
                invoice_id=invoice_ids[obj.invoice.id] if obj.invoice else None, reason=obj.reason)
        elif rank == PAID:
            payment_ids[obj.id] = services.record_payment(
                obj.client.id, day(when), money(obj.amount), currency=obj.currency,
                method=obj.method, reference=obj.reference,
                invoice_ids=[invoice_ids[obj.invoice.id]] if obj.invoice else None,
                check_number=obj.check_number, check_bank=obj.check_bank,
                check_branch=obj.check_branch,
                check_date=day(obj.check_date) if obj.check_date else None).id
        else:
            services.bounce_payment(payment_ids[obj.id], day(when))


ALLOCATIONS_BY_KEY = """
SELECT i.number, p.reference, c.number, a.amount_agorot, a.applied_date, a.reversed_date
FROM allocation a JOIN invoice i ON i.id = a.invoice_id
LEFT JOIN payment p ON p.id = a.payment_id LEFT JOIN credit_note c ON c.id = a.credit_note_id
ORDER BY 1, 2, 3, 4, 5
"""
LEDGER_BY_KEY = {
    "invoice": "SELECT number, client_id, issue_date, due_date, is_due_date_fixed, "
               "amount_agorot, currency, kind, is_disputed, cancelled_date FROM invoice",
    "payment": "SELECT reference, client_id, date, amount_agorot, currency, method, "
               "check_number, check_date, bounced_date FROM payment",
    "credit_note": "SELECT number, client_id, invoice_id, date, amount_agorot FROM credit_note",
}


def test_allocations_equal_those_record_payment_makes(tmp_path):
    from models.db.opening import open_database
    from models.db.settings import load_profile, save_profile
    from models.demo.generator import make_demo, plan_demo

    clients, invoices, seed = 25, 260, 11
    with open_database(tmp_path / "demo.db"):
        # the ledger alone: the settlement scenarios are written through the services on top
        make_demo(clients=clients, invoices=invoices, seed=seed, as_of=AS_OF,
                  with_settlements=False)
        profile = load_profile()
        bulk = {"allocations": _rows(ALLOCATIONS_BY_KEY),
                **{t: sorted(_rows(sql)) for t, sql in LEDGER_BY_KEY.items()}}
    ledger = plan_demo(clients=clients, invoices=invoices, seed=seed, as_of=AS_OF,
                       profile=profile)
    assert any(p.invoice is None for p in ledger.payments)  # oldest-first allocation used
    assert any(p.bounced for p in ledger.payments)
    with open_database(tmp_path / "replayed.db") as opened:
        opened.db.execute_sql("PRAGMA synchronous = OFF")  # a scratch file: no fsync per call
        save_profile(profile)
        _replay(ledger)
        replayed = {"allocations": _rows(ALLOCATIONS_BY_KEY),
                    **{t: sorted(_rows(sql)) for t, sql in LEDGER_BY_KEY.items()}}
    assert len(bulk["allocations"]) > invoices
    for table in replayed:
        assert replayed[table] == bulk[table], table


CLIENTS_BY_KEY = ("SELECT id, external_id, name, search_key, kind, tax_id, email, phone, "
                  "address, city, zip, terms, status, notes, country, letter_language "
                  "FROM client")


def _ledger_and_aging(target) -> dict:
    """The demo at `target` as rows by their business keys, and its aging report."""
    from models.db.opening import open_database
    from models.queries.aging import aging_report

    counts = _make(target, clients=60, invoices=600, seed=3)
    with open_database(target):
        report = aging_report(AS_OF)
        return {"counts": counts, "aging": report.rows, "totals": report.totals(),
                # sorted here: the engines order NULLs differently
                "allocations": sorted(_rows(ALLOCATIONS_BY_KEY), key=repr),
                "client": sorted(_rows(CLIENTS_BY_KEY)),
                **{t: sorted(_rows(sql), key=repr) for t, sql in LEDGER_BY_KEY.items()}}


def test_the_demo_is_the_same_ledger_on_both_engines(request, tmp_path):
    """One seed, one ledger: the same clients, invoices, payments and allocations (the
    settlements' ones included) and the same aging figures on a file as on a server."""
    on_file = _ledger_and_aging(tmp_path / "file.db")
    on_server = _ledger_and_aging(request.getfixturevalue("pg_server").new_ledger("both"))
    assert on_file["counts"]["settlements"] == 3
    assert any(t.credit for t in on_file["totals"]) and len(on_file["aging"]) > 10
    for part in on_file:
        assert on_server[part] == on_file[part], part


def test_cli_demo_exits_zero(tmp_path):
    db = tmp_path / "cli.db"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--db", str(db),
                           "--clients", "30", "--invoices", "200"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "30" in done.stderr and "200" in done.stderr
    again = subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--db", str(db)],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert again.returncode == 2 and "Traceback" not in again.stderr
    assert "כבר יש לקוחות" in again.stderr


def test_settlement_payments_of_the_demo_are_reproducible(tmp_path):
    """The instalments paid in the demo's settlement scenarios carry no clock time."""
    from models.db.opening import open_database
    from models.demo.generator import make_demo

    with open_database(tmp_path / "s.db"):
        counts = make_demo(clients=60, invoices=400, seed=1, as_of=dt.date(2026, 11, 22))
        assert counts["settlements"] == 3
        stamps = _rows("SELECT created_at FROM payment WHERE notes LIKE 'תשלום על הסדר%'")
    assert stamps and all(s.endswith("T09:00:00") for (s,) in stamps)
