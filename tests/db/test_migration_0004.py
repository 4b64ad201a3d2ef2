"""A database made by the previous schema, with data in it, opens and gains the
collection tables (migration 0004) with its data intact and the append-only triggers on."""
import datetime as dt

import peewee
import pytest
from playhouse.migrations import Runner

from models.db import connection as dbmod
from models.db.connection import schema_version
from models.db.opening import open_database


def _previous_migration() -> str:
    names = sorted(p.stem for p in dbmod.MIGRATIONS_DIR.glob("[0-9]*.py"))
    return [n for n in names if n < "0004"][-1]


@pytest.fixture
def old_database(tmp_path):
    """The file as the version before 0004 left it: schema, ids, a client with debt."""
    path = tmp_path / "old.db"
    raw = peewee.SqliteDatabase(str(path), pragmas={"foreign_keys": 1})
    raw.connect()
    previous = _previous_migration()
    Runner(raw, directory=str(dbmod.MIGRATIONS_DIR)).up(target=previous)
    raw.execute_sql(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    raw.execute_sql(f"PRAGMA user_version = {int(previous[:4])}")
    raw.execute_sql("INSERT INTO client (id, name, search_key, kind, created_at) "
                    "VALUES (7, 'ותיק בע\"מ', 'ותיק בע\"מ', 'company', '2025-01-01T00:00:00')")
    raw.execute_sql("INSERT INTO invoice (number, number_key, client_id, issue_date, due_date, "
                    "amount_agorot, created_at) VALUES ('55', '55', 7, '2026-09-01', "
                    "'2026-10-01', 99900, '2026-09-01T00:00:00')")
    raw.close()
    return path


def test_previous_version_with_data_migrates_to_the_collection_schema(old_database):
    with open_database(old_database) as opened:
        conn = opened.db.connection()
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version() >= 4
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"contact_log", "contact_attachment", "promise", "client_status_change"} <= tables
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
        assert {"contact_log_no_update", "contact_log_no_delete", "promise_no_delete"} <= triggers

        from models.collection.dunning import dunning_steps
        from models.contact.contact_log import log_contact

        [step] = dunning_steps(dt.date(2026, 11, 22))
        assert (step.invoice.client_id, step.invoice.open_agorot) == (7, 99900)
        entry = log_contact(7, dt.datetime(2026, 11, 22, 9, 0), "phone", summary="אחרי שדרוג",
                            recorded_at=dt.datetime(2026, 11, 22, 9, 0))
        with pytest.raises(peewee.IntegrityError):
            opened.db.execute_sql("DELETE FROM contact_log WHERE id = ?", (entry.id,))
    from models.db.backup import list_backups

    assert list_backups(old_database), "a backup is taken before migrating"
