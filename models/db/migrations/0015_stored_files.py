"""Schema 15: the files of a shared office's ledger, kept in the database. Frozen DDL.

An archived letter's PDF (letters/<name>.pdf) and a contact-log attachment
(attachments/<client id>/<entry id>-<n>-<name>) are files named by a row. On SQLite they
are files beside the ledger file and stay there: this migration creates nothing on
SQLite. On a PostgreSQL server no folder is shared by every office computer, so each
file's bytes are one `stored_file` row, named by the same relative path, written in the
transaction of the row that names it and never changed or deleted, like the evidence it
is (models/db/files.py). Its PostgreSQL form, with the guards, is taken from here by
models/db/postgres/schema.py.
"""

STATEMENTS: list[str] = []  # SQLite: nothing (the files stay beside the ledger)

OFFICE_STATEMENTS = [
    """CREATE TABLE stored_file (
        path TEXT PRIMARY KEY CHECK (path <> '' AND path NOT LIKE '/%'),
        content BYTEA NOT NULL,
        sha256 TEXT NOT NULL,
        size_bytes BIGINT NOT NULL,
        created_at TEXT NOT NULL,
        CHECK (size_bytes = octet_length(content)),
        CHECK (sha256 = encode(sha256(content), 'hex')))""",
]


def up(migrator, db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
