"""Evidence cannot be rewritten, whatever the statement (migration 0009).

Every protected table gets one saved row, made through the app's own functions, and
every way of rewriting or removing it is tried: UPDATE, DELETE, REPLACE INTO, INSERT OR
REPLACE, UPSERT, a REPLACE that collides on a UNIQUE key instead of the id, peewee's
.replace() and .on_conflict_replace(). Each must be refused by the database with an
IntegrityError and leave the row as it was, both on the app's own connection and on a
raw sqlite3 connection that, like a foreign tool, has recursive_triggers off (REPLACE
then deletes without firing any DELETE trigger). Those are SQLite's statements.

On both engines (the office's PostgreSQL too): DELETE, emptying the table (TRUNCATE on
PostgreSQL), UPDATE, a changed id and the upsert (INSERT ... ON CONFLICT DO UPDATE, on the
key and on another unique key) are refused the same way, through the app's connection.
"""
import csv
import datetime as dt
import sqlite3

import peewee
import pytest
from playhouse.migrations import Runner

from models.contact.client_status import StatusChange, change_status
from models.contact.contact_log import ContactAttachment, ContactLogEntry, log_contact
from models.contact.promises import Promise, record_promise
from models.db import connection as dbmod
from models.db.connection import schema_version
from models.db.opening import open_database
from models.ledger import services
from models.ledger.invoices import CreditNote, Invoice
from models.ledger.payments import Allocation, Payment
from models.letters.archive import (
    Letter,
    LetterRecord,
    RegisteredMail,
    record_letters,
    record_registered_mail,
    record_return_receipt,
)
from models.negotiation import settlements as st

AGREED = dt.date(2026, 11, 1)
# The texts the guards raise (0004, 0007, 0009): an error for any other reason (a CHECK
# the test's own statement broke) must not pass for a guard.
GUARD_TEXTS = ("cannot be replaced", "never deleted", "append-only", "settlement is signed",
               "keeps its id", "belongs to another row", "stays as it was sent",
               "only a receipt or a refusal")

MODELS = {
    "contact_log": ContactLogEntry, "contact_attachment": ContactAttachment,
    "promise": Promise, "client_status_change": StatusChange,
    "invoice": Invoice, "credit_note": CreditNote, "payment": Payment, "allocation": Allocation,
    "letter": Letter, "registered_mail": RegisteredMail,
    "settlement": st.Settlement, "settlement_invoice": st.SettlementInvoice,
    "settlement_instalment": st.SettlementInstalment, "settlement_point": st.SettlementPoint,
}
# The column each attempt tries to change, where a plain UPDATE is refused too.
# Money rows stay updatable on purpose (a bounced check, a cancelled invoice): for them
# only the other forms are tried.
CHANGED = {
    "contact_log": "summary", "contact_attachment": "original_name", "promise": "amount_agorot",
    "client_status_change": "reason", "letter": "subject", "registered_mail": "notes",
    "settlement": "discount_agorot", "settlement_invoice": "invoice_id",
    "settlement_instalment": "amount_agorot", "settlement_point": "text",
    "invoice": "description", "credit_note": "reason", "payment": "notes",
    "allocation": "amount_agorot",
}
MONEY = ("invoice", "credit_note", "payment", "allocation")
# UNIQUE keys besides the id that a REPLACE could collide on, removing the saved row.
UNIQUE = {"invoice": "number_key", "credit_note": "number_key", "payment": "reference",
          "contact_attachment": "stored_path", "registered_mail": "letter_id"}
PROTECTED = tuple(MODELS)


@pytest.fixture
def ledger(db, client, tmp_path):
    """One saved row in every protected table, made the way the app makes them; returns
    {table: rowid} and the id of a draft settlement (drafts stay free)."""
    inv = services.add_invoice(client.id, "101", dt.date(2026, 5, 1), "1000")
    other = services.add_invoice(client.id, "102", dt.date(2026, 5, 2), "500")
    debt = services.add_invoice(client.id, "201", dt.date(2026, 6, 1), "3000")
    spare = services.add_invoice(client.id, "202", dt.date(2026, 6, 2), "700")
    payment = services.record_payment(client.id, dt.date(2026, 7, 1), "400", reference="RF-1",
                                      method="check", check_number="77", invoice_ids=[inv.id])
    note = services.add_credit_note(client.id, "Z1", dt.date(2026, 7, 2), "50",
                                    invoice_id=other.id)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 signed delivery note")
    entry = log_contact(client.id, dt.datetime(2026, 7, 3, 10, 0), "phone", summary="שיחה",
                        attachments=[scan])
    promise = record_promise(entry.id, "200", dt.date(2026, 8, 1))
    status = change_status(client.id, "in_collection", reason="לא שילם",
                           changed_at=dt.date(2026, 7, 4))
    record_letters([LetterRecord(client.id, "reminder", dt.date(2026, 7, 5), dt.date(2026, 7, 5),
                                 "תזכורת", 100000, "ILS", None, "2026/reminder.pdf", 1, 1)])
    letter = Letter.select().get()
    mail = record_registered_mail(letter.id, "RR123456789IL", dt.date(2026, 7, 6))
    signed = st.create_settlement(client.id, [debt.id], AGREED, instalment_count=2,
                                  point_texts=["ריבית לא תיגבה"])
    st.set_point_agreed(st.points(signed.id)[0].id, True)
    st.sign_settlement(signed.id, AGREED)
    draft = st.create_settlement(client.id, [spare.id], AGREED)
    rowid = lambda sql, *a: db.db.execute_sql(sql, a).fetchone()[0]  # noqa: E731
    rows = {
        "invoice": inv.id, "credit_note": note.id, "payment": payment.id,
        "allocation": rowid("SELECT id FROM allocation WHERE payment_id = ?", payment.id),
        "contact_log": entry.id,
        "contact_attachment": rowid("SELECT id FROM contact_attachment WHERE entry_id = ?", entry.id),
        "promise": promise.id, "client_status_change": status.id,
        "letter": letter.id, "registered_mail": mail.id,
        "settlement": signed.id,
        # SQLite's rowid (its REPLACE can name it); a server's table has no rowid.
        "settlement_invoice": (None if _office() else rowid(
            "SELECT rowid FROM settlement_invoice WHERE settlement_id = ?", signed.id)),
        "settlement_instalment": rowid("SELECT MIN(id) FROM settlement_instalment "
                                       "WHERE settlement_id = ?", signed.id),
        "settlement_point": rowid("SELECT id FROM settlement_point WHERE settlement_id = ?",
                                  signed.id),
    }
    # Each row by its key, on either engine: (WHERE clause, parameters).
    keys = {table: ("id = ?", (rows[table],)) for table in rows}
    keys["settlement_invoice"] = ("settlement_id = ? AND invoice_id = ?", (signed.id, debt.id))
    return {"rows": rows, "keys": keys, "draft": draft.id, "spare_invoice": other.id}


def _office() -> bool:
    from models.db import dialect

    return dialect.is_office()


# ---- helpers --------------------------------------------------------------------------

def _row(conn, table, rowid):
    cur = conn.execute(f"SELECT * FROM {table} WHERE rowid = ?", (rowid,))
    names = [d[0] for d in cur.description]
    found = cur.fetchone()
    return None if found is None else dict(zip(names, found))


def _state(conn, table, rowid):
    """What must not change: the row itself and how many rows the table has."""
    return _row(conn, table, rowid), conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _changed(value, spare_invoice):
    if isinstance(value, int):
        return value + 1
    return "שונה"


def _rewritten(row, table, spare_invoice):
    values = dict(row)
    column = CHANGED[table]
    values[column] = (spare_invoice if column == "invoice_id"
                      else _changed(values[column], spare_invoice))
    return values


def _insert_sql(verb, table, values, tail=""):
    cols = ", ".join(values)
    marks = ", ".join("?" * len(values))
    return f"{verb} INTO {table} ({cols}) VALUES ({marks}){tail}", tuple(values.values())


def _statements(table, row, rowid, spare_invoice):
    """(name, sql, params) for every raw form of rewriting or removing the row."""
    new = _rewritten(row, table, spare_invoice)
    column = CHANGED[table]
    forms = [("DELETE", f"DELETE FROM {table} WHERE rowid = ?", (rowid,))]
    if table not in MONEY:
        forms.append(("UPDATE", f"UPDATE {table} SET {column} = ? WHERE rowid = ?",
                      (new[column], rowid)))
    if table == "settlement_invoice":
        new = {"rowid": rowid, **new}  # its composite key aside, REPLACE can name the rowid
    forms += [
        ("REPLACE INTO", *_insert_sql("REPLACE", table, new)),
        ("INSERT OR REPLACE", *_insert_sql("INSERT OR REPLACE", table, new)),
        ("UPSERT", *_insert_sql("INSERT", table, new,
                                f" ON CONFLICT DO UPDATE SET {column} = excluded.{column}")),
    ]
    if table in UNIQUE:
        # A new id, the saved row's unique key: REPLACE would delete the saved row.
        fresh = {k: v for k, v in new.items() if k != "id"}
        forms.append(("REPLACE on " + UNIQUE[table], *_insert_sql("REPLACE", table, fresh)))
    return forms


def _peewee_attempts(table, row, spare_invoice):
    model = MODELS[table]
    new = _rewritten(row, table, spare_invoice)
    # Columns the model does not declare (the paid columns kept by triggers) take
    # their defaults: a rewrite all the same.
    fields = {model._meta.columns[c]: v for c, v in new.items() if c in model._meta.columns}
    return [("peewee .replace()", lambda: model.replace(fields).execute()),
            ("peewee .on_conflict_replace()",
             lambda: model.insert(fields).on_conflict_replace().execute())]


def _refused(attempt, conn, table, rowid, error):
    """None when `attempt` raised `error` from a guard and left the row; else what went wrong."""
    before = _state(conn, table, rowid)
    try:
        attempt()
    except error as exc:
        if not any(text in str(exc) for text in GUARD_TEXTS):
            return f"refused, but not by a guard: {exc}"
    else:
        return "accepted"
    after = _state(conn, table, rowid)
    return None if after == before else f"row changed: {before} -> {after}"


def _foreign(db_path):
    """A raw connection like the sqlite3 shell: autocommit, recursive_triggers off."""
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=5)
    assert conn.execute("PRAGMA recursive_triggers").fetchone()[0] == 0
    return conn


# ---- every form, every table ------------------------------------------------------------------

@pytest.mark.parametrize("table", PROTECTED)
@pytest.mark.sqlite_only  # SQLite's statements (REPLACE, rowid, its shell)
def test_a_foreign_tool_cannot_rewrite_or_remove_the_row(ledger, db_path, table):
    rowid = ledger["rows"][table]
    conn = _foreign(db_path)
    try:
        row = _row(conn, table, rowid)
        assert row is not None
        failures = {}
        for name, sql, params in _statements(table, row, rowid, ledger["spare_invoice"]):
            failure = _refused(lambda: conn.execute(sql, params), conn, table, rowid,
                               sqlite3.IntegrityError)
            if failure:
                failures[name] = failure
    finally:
        conn.close()
    assert failures == {}


@pytest.mark.parametrize("table", PROTECTED)
@pytest.mark.sqlite_only  # SQLite's statements (REPLACE, rowid, its shell)
def test_the_app_connection_cannot_rewrite_or_remove_the_row(ledger, db, table):
    rowid = ledger["rows"][table]
    conn = db.db.connection()
    row = _row(conn, table, rowid)
    attempts = [(name, lambda sql=sql, params=params: db.db.execute_sql(sql, params))
                for name, sql, params in _statements(table, row, rowid, ledger["spare_invoice"])]
    attempts += _peewee_attempts(table, row, ledger["spare_invoice"])
    failures = {name: f for name, attempt in attempts
                if (f := _refused(attempt, conn, table, rowid, peewee.IntegrityError))}
    assert failures == {}


@pytest.mark.parametrize("table", PROTECTED)
@pytest.mark.sqlite_only  # SQLite's statements (REPLACE, rowid, its shell)
def test_on_conflict_do_nothing_leaves_the_row_and_new_rows_still_insert(ledger, db_path, table):
    """DO NOTHING is harmless: the saved row stays. (A trigger cannot tell the conflict
    clause, so on a taken key the guard refuses it outright; a new key inserts.)"""
    rowid = ledger["rows"][table]
    conn = _foreign(db_path)
    try:
        row = _row(conn, table, rowid)
        new = _rewritten(row, table, ledger["spare_invoice"])
        if table == "settlement_invoice":
            new = {"rowid": rowid, **new}
        before = _state(conn, table, rowid)
        try:
            conn.execute(*_insert_sql("INSERT", table, new, " ON CONFLICT DO NOTHING"))
        except sqlite3.IntegrityError as exc:
            assert any(text in str(exc) for text in GUARD_TEXTS), exc
        assert _state(conn, table, rowid) == before
    finally:
        conn.close()


@pytest.mark.sqlite_only  # SQLite's statements (REPLACE, rowid, its shell)
def test_new_evidence_still_inserts_through_do_nothing(ledger, db_path, client):
    conn = _foreign(db_path)
    try:
        conn.execute("INSERT INTO contact_log (client_id, occurred_at, recorded_at, channel, "
                     "direction) VALUES (?, '2026-08-01T09:00', '2026-08-01T09:05', 'phone', "
                     "'in') ON CONFLICT DO NOTHING", (client.id,))
        assert conn.execute("SELECT count(*) FROM contact_log").fetchone()[0] >= 2
    finally:
        conn.close()


# ---- the other side doors ---------------------------------------------------------------------

@pytest.mark.parametrize("table,key", [("invoice", "number_key"), ("credit_note", "number_key"),
                                       ("payment", "reference")])
@pytest.mark.sqlite_only  # SQLite's statements (REPLACE, rowid, its shell)
def test_update_or_replace_cannot_take_a_saved_rows_unique_key(ledger, db, db_path, client,
                                                               table, key):
    """UPDATE OR REPLACE moving a key onto a taken one deletes the row that held it."""
    services.add_invoice(client.id, "900", dt.date(2026, 5, 1), "10")
    services.add_credit_note(client.id, "Z9", dt.date(2026, 7, 2), "5")
    services.record_payment(client.id, dt.date(2026, 7, 1), "1", reference="RF-9")
    target = ledger["rows"][table]
    conn = _foreign(db_path)
    try:
        (taken,) = conn.execute(f"SELECT {key} FROM {table} WHERE id = ?", (target,)).fetchone()
        (mover,) = conn.execute(f"SELECT MAX(id) FROM {table}").fetchone()
        failure = _refused(lambda: conn.execute(
            f"UPDATE OR REPLACE {table} SET {key} = ? WHERE id = ?", (taken, mover)),
            conn, table, target, sqlite3.IntegrityError)
    finally:
        conn.close()
    assert failure is None


@pytest.mark.parametrize("table", ["invoice", "payment", "allocation", "credit_note",
                                   "settlement", "settlement_instalment", "settlement_point"])
@pytest.mark.sqlite_only  # SQLite's statements (REPLACE, rowid, its shell)
def test_a_row_keeps_its_id(ledger, db_path, table):
    rowid = ledger["rows"][table]
    conn = _foreign(db_path)
    try:
        failure = _refused(lambda: conn.execute(
            f"UPDATE OR REPLACE {table} SET id = 999999 WHERE id = ?", (rowid,)),
            conn, table, rowid, sqlite3.IntegrityError)
    finally:
        conn.close()
    assert failure is None


@pytest.mark.parametrize("table", ["settlement_instalment", "settlement_point",
                                   "settlement_invoice"])
@pytest.mark.sqlite_only  # SQLite's statements (REPLACE, rowid, its shell)
def test_a_signed_settlements_rows_cannot_be_replaced_from_a_draft(ledger, db_path, table):
    """REPLACE naming the signed row's id but a draft's settlement_id passes 0007's
    insert trigger (it looks at the draft); the signed row must still stay."""
    rowid = ledger["rows"][table]
    conn = _foreign(db_path)
    try:
        row = _row(conn, table, rowid)
        moved = {**row, "settlement_id": ledger["draft"]}
        if table == "settlement_invoice":
            moved = {"rowid": rowid, **moved, "invoice_id": ledger["spare_invoice"]}
        failure = _refused(lambda: conn.execute(*_insert_sql("REPLACE", table, moved)),
                           conn, table, rowid, sqlite3.IntegrityError)
    finally:
        conn.close()
    assert failure is None


@pytest.mark.parametrize("table", ["settlement_instalment", "settlement_point"])
def test_a_draft_row_cannot_be_moved_into_a_signed_settlement(ledger, db, table):
    signed = ledger["rows"]["settlement"]
    st.add_point(ledger["draft"], "נקודה בטיוטה")
    raw = db.db
    (draft_row,) = raw.execute_sql(f"SELECT MIN(id) FROM {table} WHERE settlement_id = ?",
                                   (ledger["draft"],)).fetchone()
    count = raw.execute_sql(f"SELECT count(*) FROM {table} WHERE settlement_id = ?",
                            (signed,)).fetchone()
    with pytest.raises(peewee.IntegrityError, match="settlement is signed"):
        with raw.atomic():
            raw.execute_sql(f"UPDATE {table} SET settlement_id = ? WHERE id = ?",
                            (signed, draft_row))
    assert raw.execute_sql(f"SELECT count(*) FROM {table} WHERE settlement_id = ?",
                           (signed,)).fetchone() == count


# ---- on either engine, through the app's connection ----------------------------------------
# PostgreSQL has no REPLACE: its ways to rewrite a row are UPDATE and the upsert (INSERT ...
# ON CONFLICT DO UPDATE, which SQLite has too), its way to empty a table is TRUNCATE
# (SQLite's: DELETE without WHERE). Each is refused on every protected table; on money rows,
# which the app updates, the UPDATE and the upsert are not tried (on SQLite the upsert is
# refused as a REPLACE, above).

def _key_columns(table):
    return ("settlement_id", "invoice_id") if table == "settlement_invoice" else ("id",)


def _saved(raw, table, key):
    """The row by its key, and how many rows the table has."""
    where, params = key
    cur = raw.execute_sql(f"SELECT * FROM {table} WHERE {where}", params)
    names = [d[0] for d in cur.description]
    found = cur.fetchone()
    (count,) = raw.execute_sql(f"SELECT count(*) FROM {table}").fetchone()
    return (None if found is None else dict(zip(names, found))), count


def _empty(table):
    return f"TRUNCATE {table} CASCADE" if _office() else f"DELETE FROM {table}"


def _upsert(table, values, conflict, column, value):
    cols, marks = ", ".join(values), ", ".join("?" * len(values))
    return (f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT "
            f"({', '.join(conflict)}) DO UPDATE SET {column} = ?", (*values.values(), value))


def _either_engine_attempts(table, row, key, spare_invoice):
    where, params = key
    column = CHANGED[table]
    value = spare_invoice if column == "invoice_id" else _changed(row[column], spare_invoice)
    forms = [("DELETE", f"DELETE FROM {table} WHERE {where}", params),
             ("empty the table", _empty(table), ())]
    if "id" in row:
        forms.append(("UPDATE id", f"UPDATE {table} SET id = 999999 WHERE {where}", params))
    if table not in MONEY:
        forms += [("UPDATE", f"UPDATE {table} SET {column} = ? WHERE {where}", (value, *params)),
                  ("UPSERT", *_upsert(table, row, _key_columns(table), column, value))]
        if table in UNIQUE:  # a new id, the saved row's other unique key
            fresh = {k: v for k, v in row.items() if k != "id"}
            forms.append(("UPSERT on " + UNIQUE[table],
                          *_upsert(table, fresh, (UNIQUE[table],), column, value)))
    return forms


@pytest.mark.parametrize("table", PROTECTED)
def test_no_statement_of_either_engine_rewrites_or_removes_the_row(ledger, db, table):
    raw = db.db
    key = ledger["keys"][table]
    row, _count = _saved(raw, table, key)
    assert row is not None
    failures = {}
    for name, sql, params in _either_engine_attempts(table, row, key, ledger["spare_invoice"]):
        before = _saved(raw, table, key)
        try:
            with raw.atomic():
                raw.execute_sql(sql, params)
        except peewee.IntegrityError as exc:
            if not any(text in str(exc) for text in GUARD_TEXTS):
                failures[name] = f"refused, but not by a guard: {exc}"
        else:
            failures[name] = "accepted"
        if _saved(raw, table, key) != before:
            failures[name] = "row changed"
    assert failures == {}


def test_an_upsert_still_changes_a_draft_settlement(ledger, db):
    raw = db.db
    key = ("id = ?", (ledger["draft"],))
    row, count = _saved(raw, "settlement", key)
    with raw.atomic():
        raw.execute_sql(*_upsert("settlement", row, ("id",), "notes", "טיוטה מעודכנת"))
    assert _saved(raw, "settlement", key) == ({**row, "notes": "טיוטה מעודכנת"}, count)


# ---- what stays allowed ------------------------------------------------------------------------

def test_money_rows_still_take_the_changes_the_app_makes(ledger, db, client):
    rows = ledger["rows"]
    services.bounce_payment(rows["payment"], dt.date(2026, 7, 20))
    assert Allocation.get_by_id(rows["allocation"]).reversed_date == dt.date(2026, 7, 20)
    services.set_disputed(rows["invoice"], True)
    services.update_invoice(rows["invoice"], amount="1100")
    fresh = services.add_invoice(client.id, "400", dt.date(2026, 7, 1), "80")
    services.cancel_invoice(fresh.id, dt.date(2026, 7, 21))
    assert Invoice.get_by_id(rows["invoice"]).amount_agorot == 110000


def test_registered_mail_gains_its_receipt_once(ledger, db):
    letter_id = Letter.select().get().id
    record_return_receipt(letter_id, dt.date(2026, 7, 9))
    with pytest.raises(peewee.IntegrityError, match="only a receipt or a refusal"):
        with db.db.atomic():
            db.db.execute_sql("UPDATE registered_mail SET receipt_date = '2026-07-10'")
    assert RegisteredMail.get().receipt_date == dt.date(2026, 7, 9)


@pytest.mark.sqlite_only  # SQLite's statements (REPLACE, rowid, its shell)
def test_a_draft_settlement_stays_free(ledger, db_path):
    draft = ledger["draft"]
    st.add_point(draft, "מועד התשלום הראשון")
    st.remove_point(st.points(draft)[0].id)
    conn = _foreign(db_path)
    try:
        row = _row(conn, "settlement", draft)
        conn.execute(*_insert_sql("REPLACE", "settlement", {**row, "notes": "טיוטה מעודכנת"}))
        assert _row(conn, "settlement", draft)["notes"] == "טיוטה מעודכנת"
    finally:
        conn.close()
    st.delete_draft(draft)
    assert st.Settlement.get_or_none(st.Settlement.id == draft) is None


TRIGGERS = {  # every trigger and its definition, by name, on each engine
    False: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
    True: "SELECT tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger "
          "WHERE NOT tgisinternal ORDER BY tgname",
}


def test_the_import_still_writes_allocations_and_keeps_the_guards(db, client, tmp_path):
    """The import drops and recreates 0005's paid trigger inside its transaction; the
    guards are other triggers and must be there, unchanged, afterwards."""
    from models.exchange.importing import import_files

    guards = lambda: db.db.execute_sql(TRIGGERS[_office()]).fetchall()  # noqa: E731
    before = guards()
    services.add_invoice(client.id, "301", dt.date(2026, 9, 1), "1000")
    payments = tmp_path / "payments.csv"
    with open(payments, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["אסמכתא", "לקוח", "תאריך", "סכום"],
                                  ["R1", client.name, "01/10/2026", "250"]])
    import_files(payments=payments)
    assert Allocation.select().count() == 1
    assert guards() == before
    with pytest.raises(peewee.IntegrityError, match="never deleted"):
        with db.db.atomic():
            db.db.execute_sql("DELETE FROM allocation")


# ---- migration from schema 8 --------------------------------------------------------------------

def _schema_8_database(path):
    raw = peewee.SqliteDatabase(str(path), pragmas={"foreign_keys": 1})
    raw.connect()
    Runner(raw, directory=str(dbmod.MIGRATIONS_DIR)).up(target="0008_aging_unpaid_by_client")
    raw.execute_sql(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    raw.execute_sql("PRAGMA user_version = 8")
    for sql in (
        "INSERT INTO client (id, name, search_key, kind, created_at) VALUES "
        "(7, 'ותיק בע\"מ', 'ותיק בע\"מ', 'company', '2025-01-01T00:00:00')",
        "INSERT INTO invoice (id, number, number_key, client_id, issue_date, due_date, "
        "amount_agorot, created_at) VALUES "
        "(1, '55', '55', 7, '2026-08-01', '2026-09-01', 100000, '2026-08-01T00:00:00')",
        "INSERT INTO payment (id, client_id, date, amount_agorot, reference, created_at) "
        "VALUES (1, 7, '2026-09-05', 40000, 'RF-1', '2026-09-05T00:00:00')",
        "INSERT INTO allocation (id, invoice_id, payment_id, amount_agorot, applied_date) "
        "VALUES (1, 1, 1, 40000, '2026-09-05')",
        "INSERT INTO contact_log (id, client_id, occurred_at, recorded_at, channel, direction, "
        "summary) VALUES (1, 7, '2026-09-06T10:00', '2026-09-06T10:05', 'phone', 'out', 'שיחה')",
        "INSERT INTO letter (id, client_id, kind, letter_date, as_of, file_path, created_at) "
        "VALUES (1, 7, 'reminder', '2026-09-07', '2026-09-07', 'a.pdf', '2026-09-07T00:00:00')",
    ):
        raw.execute_sql(sql)
    raw.close()


def _contents(conn, columns: dict | None = None):
    """Each table's rows; with `columns` (table -> names), only those columns, so data kept
    from an old schema compares with later migrations' added columns left out."""
    tables = ("client", "invoice", "payment", "allocation", "contact_log", "letter")
    names = columns or {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")]
                        for t in tables}
    return {t: conn.execute(f"SELECT {', '.join(names[t])} FROM {t} ORDER BY rowid").fetchall()
            for t in tables}


def test_a_schema_8_database_keeps_its_data_and_gains_the_guards(tmp_path):
    from models.db.schema_check import expected_schema, schema_differences

    path = tmp_path / "old.db"
    _schema_8_database(path)
    before = sqlite3.connect(path)
    data = _contents(before)
    old_columns = {t: [r[1] for r in before.execute(f"PRAGMA table_info({t})")] for t in data}
    assert before.execute("SELECT count(*) FROM sqlite_master WHERE name = "
                          "'invoice_no_delete'").fetchone()[0] == 0
    # The hole this migration closes, shown on the old schema: REPLACE rewrites the log.
    before.execute("REPLACE INTO contact_log (id, client_id, occurred_at, recorded_at, "
                   "channel, direction, summary) VALUES (1, 7, '2026-09-06T10:00', "
                   "'2026-09-06T10:05', 'phone', 'out', 'שיחה')")
    before.commit()
    before.close()
    with open_database(path) as opened:
        conn = opened.db.connection()
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version() >= 9
        assert _contents(conn, old_columns) == data
        assert conn.execute("SELECT paid_agorot FROM invoice").fetchone() == (40000,)
        assert schema_differences(conn) == []
        guards = {name for name in expected_schema().triggers if name not in
                  expected_schema(8).triggers}
        present = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {"invoice_no_delete", "contact_log_no_replace", "letter_no_delete"} <= guards
        assert guards <= present
    foreign = _foreign(path)
    try:
        for sql in ("DELETE FROM invoice", "DELETE FROM allocation", "DELETE FROM letter",
                    "REPLACE INTO contact_log (id, client_id, occurred_at, recorded_at, "
                    "channel, direction, summary) VALUES (1, 7, '2026-09-06T10:00', "
                    "'2026-09-06T10:05', 'phone', 'out', 'שונה')"):
            with pytest.raises(sqlite3.IntegrityError):
                foreign.execute(sql)
        assert _contents(foreign, old_columns) == data
    finally:
        foreign.close()
