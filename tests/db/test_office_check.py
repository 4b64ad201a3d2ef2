"""`check` on an office ledger (models/db/postgres/check.py): a fresh ledger is sound;
every change a foreign tool could make to its structure is named in one line; the kept
files are checked against the rows that name them; the comparison leaves nothing behind;
a user who may not run it is told so; the command line checks a server's ledger too."""
import datetime as dt
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from models.db.postgres import check

ROOT = Path(__file__).resolve().parents[2]



def _schemas(db) -> set[str]:
    return {name for (name,) in db.execute_sql("SELECT nspname FROM pg_namespace")}


def test_a_fresh_office_ledger_is_sound_and_the_check_leaves_nothing(office):
    db = office.db
    (path_before,) = db.execute_sql("SHOW search_path").fetchone()
    assert check.check_office(db) == []
    assert check.SCRATCH not in _schemas(db)
    assert db.execute_sql("SHOW search_path").fetchone() == (path_before,)
    expected = check.expected_catalog(db)
    assert {"invoice", "contact_log", "settlement", "schema_migration"} <= expected.tables.keys()
    assert {"contact_log_no_update", "invoice_no_delete", "allocation_paid_new"} <= \
        expected.triggers.keys()
    assert "gvia_refuse" in expected.functions
    from models.db.connection import migration_names

    assert expected.migrations == frozenset(migration_names())


# Each change, and the words of the one line that must name it.
TAMPERING = [
    ("DROP TRIGGER invoice_no_delete ON invoice", "הטריגר invoice_no_delete חסר"),
    ("ALTER TABLE contact_log DISABLE TRIGGER contact_log_no_update",
     "הטריגר contact_log_no_update מושבת"),
    ("CREATE OR REPLACE FUNCTION gvia_refuse() RETURNS trigger LANGUAGE plpgsql AS "
     "$$ BEGIN RETURN NEW; END $$", "הפונקציה gvia_refuse שונתה"),
    ("CREATE FUNCTION gvia_extra() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
     "נמצאה פונקציה gvia_extra"),
    ("ALTER TABLE client ADD COLUMN secret text", "בטבלה client נוספה העמודה secret"),
    ("ALTER TABLE setting ALTER COLUMN value DROP NOT NULL", "העמודה value בטבלה setting שונתה"),
    ("DROP INDEX invoice_unpaid", "האינדקס invoice_unpaid חסר"),
    ("CREATE INDEX client_phone ON client (phone)", "נמצא אינדקס client_phone על הטבלה client"),
    ("ALTER TABLE invoice DROP CONSTRAINT invoice_client_id_fkey",
     "ההגדרה של הטבלה invoice (החשבוניות) שונתה"),
    ("ALTER TABLE invoice DROP CONSTRAINT invoice_amount_agorot_check",
     "ההגדרה של הטבלה invoice (החשבוניות) שונתה"),
    ("CREATE TABLE notes_on_the_side (x text)", "נמצאה טבלה notes_on_the_side"),
    ("DROP TABLE deposit_request", "הטבלה deposit_request (בקשות המקדמה) חסרה במסד הנתונים"),
    ("DELETE FROM schema_migration WHERE name LIKE '0009%'",
     "העדכון 0009_evidence_guards של מבנה ספר החשבונות אינו רשום כמבוצע"),
    ("INSERT INTO schema_migration (name, applied) VALUES ('0999_future', now())",
     "רשום עדכון לא מוכר: 0999_future"),
]


@pytest.mark.parametrize("statement, words", TAMPERING, ids=[w for _s, w in TAMPERING])
def test_each_change_made_outside_gvia_is_named_in_one_line(office, statement, words):
    office.db.execute_sql(statement)
    lines = check.check_office(office.db)
    assert len(lines) == 1, lines
    assert words in lines[0]
    assert "ייתכן שמישהו שינה את מסד הנתונים מחוץ לגבייה" in lines[0] or "עדכון" in lines[0]


def test_the_kept_files_are_checked_against_their_rows(office, tmp_path):
    from models.contact.contact_log import log_contact
    from models.ledger import services

    client = services.add_client(name="כהן ובניו בע\"מ", kind="company", terms="שוטף+30")
    scan = tmp_path / "delivery.pdf"
    scan.write_bytes(b"%PDF-1.4 signed delivery note")
    entry = log_contact(client.id, dt.datetime(2026, 7, 3, 10, 0), "phone", summary="שיחה",
                        attachments=[scan])
    assert check.check_office(office.db) == []  # kept by the app: sound
    db = office.db
    db.execute_sql("INSERT INTO contact_attachment (entry_id, original_name, stored_path, "
                   "size_bytes, sha256) VALUES (?, 'lost.pdf', 'attachments/x/lost.pdf', 3, "
                   "'ab')", (entry.id,))
    db.execute_sql("INSERT INTO letter (client_id, kind, letter_date, as_of, file_path, "
                   "created_at) VALUES (?, 'reminder', '2026-07-05', '2026-07-05', "
                   "'2026/gone.pdf', 'x')", (client.id,))
    lines = check.check_office(db)
    assert len(lines) == 2, lines
    assert "'lost.pdf'" in lines[0] and "חסר בקבצים השמורים במסד הנתונים" in lines[0]
    assert "2026/gone.pdf" in lines[1] and "חסר בקבצים השמורים" in lines[1]


def test_a_user_who_may_not_create_a_schema_is_told_so(office, pg_server):
    """The comparison needs a scratch schema; a clerk's role may not make one. The check
    says so in one line, and still checks the kept files."""
    role = "gvia_test_clerk"
    with pg_server.admin() as admin:
        admin.execute(f"DROP ROLE IF EXISTS {role}")
        admin.execute(f"CREATE ROLE {role} LOGIN")
    office.db.execute_sql(f"GRANT USAGE ON SCHEMA public TO {role}")
    office.db.execute_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    parts = urllib.parse.urlsplit(office.url)
    host = parts.netloc.rpartition("@")[2]  # the socket's folder may be in the query
    url = urllib.parse.urlunsplit(parts._replace(netloc=f"{role}@{host}"))
    from models.db.postgres.connection import OfficeDatabase

    clerk = OfficeDatabase(url, autoconnect=False)
    clerk.connect()
    try:
        lines = check.check_office(clerk)
    finally:
        clerk.close()
        office.db.execute_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
        office.db.execute_sql(f"REVOKE ALL ON SCHEMA public FROM {role}")
        with pg_server.admin() as admin:
            admin.execute(f"DROP ROLE {role}")
    assert len(lines) == 1 and "מבנה ספר החשבונות לא הושווה" in lines[0], lines


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, timeout=120)


def test_the_command_line_checks_an_office_ledger(office):
    sound = _cli("check", "--db", office.url)
    assert (sound.returncode, sound.stdout.strip()) == (0, "מסד הנתונים תקין."), sound.stderr
    office.db.execute_sql("DROP TRIGGER payment_no_delete ON payment")
    found = _cli("check", "--db", office.url)
    assert found.returncode == 2
    assert found.stderr.strip().splitlines() == [
        line for line in check.check_office(office.db)]
    assert "payment_no_delete" in found.stderr and "Traceback" not in found.stderr
