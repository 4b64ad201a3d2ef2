"""Schema 2: the letter archive (one row per letter produced, with its archived PDF) and
the registered-mail register. Frozen DDL, independent of the application models."""

STATEMENTS = [
    """CREATE TABLE letter (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES client (id),
        kind TEXT NOT NULL,
        letter_date DATE NOT NULL,
        as_of DATE NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        amount_agorot INTEGER NOT NULL DEFAULT 0,
        currency TEXT NOT NULL DEFAULT 'ILS',
        deadline_date DATE,
        file_path TEXT NOT NULL,
        first_page INTEGER NOT NULL DEFAULT 1 CHECK (first_page >= 1),
        page_count INTEGER NOT NULL DEFAULT 1 CHECK (page_count >= 1),
        created_at TEXT NOT NULL)""",
    "CREATE INDEX letter_client_kind ON letter (client_id, kind, letter_date)",
    """CREATE TABLE registered_mail (
        id INTEGER PRIMARY KEY,
        letter_id INTEGER NOT NULL UNIQUE REFERENCES letter (id),
        registered_number TEXT NOT NULL,
        sent_date DATE NOT NULL,
        receipt_date DATE,
        refused_date DATE,
        notes TEXT NOT NULL DEFAULT '',
        CHECK (receipt_date IS NULL OR refused_date IS NULL))""",
]


def up(migrator, db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
