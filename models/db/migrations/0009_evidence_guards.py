"""Schema 9: evidence cannot be rewritten, whatever the statement. Frozen DDL, independent
of the application models on purpose.

Migrations 0004 and 0007 refuse UPDATE and DELETE on the contact log and on a signed
settlement, but a REPLACE (`REPLACE INTO`, `INSERT OR REPLACE`, peewee's `.replace()`)
removes the old row by conflict resolution, and SQLite fires DELETE triggers for that
only with `PRAGMA recursive_triggers` on, which a foreign tool (the sqlite3 shell) does
not set. BEFORE INSERT triggers do fire before any conflict is resolved, so each guarded
table refuses an insert whose primary key (or a UNIQUE key REPLACE could collide on) is
already taken. That also stops an UPSERT (`ON CONFLICT DO UPDATE`) before it starts; a
trigger cannot tell the conflict clause, so a colliding `ON CONFLICT DO NOTHING` or
`INSERT OR IGNORE` is refused as well (an insert of a new key passes as before).

`UPDATE OR REPLACE` can remove a row the same way, by moving another row onto its key:
ids never change, and a UNIQUE key cannot be moved onto one that is taken.

Money is never deleted: invoices, credit notes, payments and allocations, the letter
archive and the registered-mail register refuse DELETE. Money rows may still be updated
(a bounced check, a cancelled or disputed invoice, the paid columns of 0005); a letter
that was sent stays as it was sent; a registered-mail row may only gain its receipt or
its refusal, once. A draft settlement stays free to change or throw away; a signed one
also cannot gain rows moved over from a draft.
"""

APPEND_ONLY = {  # table: its UNIQUE keys besides id (0004 already refuses UPDATE/DELETE)
    "contact_log": (),
    "contact_attachment": ("stored_path",),
    "promise": (),
    "client_status_change": (),
}
MONEY = {
    "invoice": ("number_key",),
    "credit_note": ("number_key",),
    "payment": ("reference",),
    "allocation": (),
}
LETTERS = {
    "letter": (),
    "registered_mail": ("letter_id",),
}
SETTLEMENT_CHILDREN = ("settlement_invoice", "settlement_instalment", "settlement_point")


def _abort(message: str) -> str:
    return f"SELECT RAISE(ABORT, '{message}');"


def _key_taken(table: str, keys: tuple[str, ...]) -> str:
    """True when the row being inserted would collide with a saved one. Every key has an
    index (the primary key, UNIQUE), so each test is one lookup."""
    return " OR ".join(f"EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key})"
                       for key in ("id", *keys))


def _no_replace(table: str, keys: tuple[str, ...]) -> str:
    return f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
        WHEN {_key_taken(table, keys)}
        BEGIN {_abort(f'{table}: a saved row cannot be replaced')} END"""


def _no_delete(table: str) -> str:
    return f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        BEGIN {_abort(f'{table} rows are never deleted')} END"""


def _keeps_id(table: str) -> str:
    return f"""CREATE TRIGGER {table}_keeps_id BEFORE UPDATE OF id ON {table}
        WHEN NEW.id IS NOT OLD.id
        BEGIN {_abort(f'{table}: a row keeps its id')} END"""


def _unique_not_moved(table: str, key: str) -> str:
    # A plain UPDATE would fail on the UNIQUE index anyway; UPDATE OR REPLACE would
    # delete the row holding the key instead, without firing its DELETE trigger.
    return f"""CREATE TRIGGER {table}_{key}_not_taken BEFORE UPDATE OF {key} ON {table}
        WHEN NEW.{key} IS NOT OLD.{key}
            AND EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key})
        BEGIN {_abort(f'{table}: {key} belongs to another row')} END"""


def _money_and_letters() -> list[str]:
    statements = []
    for table, keys in {**MONEY, **LETTERS}.items():
        statements += [_no_replace(table, keys), _no_delete(table)]
    for table, keys in MONEY.items():
        statements.append(_keeps_id(table))
        statements += [_unique_not_moved(table, key) for key in keys]
    statements.append(
        f"""CREATE TRIGGER letter_no_update BEFORE UPDATE ON letter
        BEGIN {_abort('letter: an archived letter stays as it was sent')} END""")
    statements.append(
        f"""CREATE TRIGGER registered_mail_frozen_update BEFORE UPDATE ON registered_mail
        WHEN NEW.id IS NOT OLD.id OR NEW.letter_id IS NOT OLD.letter_id
            OR NEW.registered_number IS NOT OLD.registered_number
            OR NEW.sent_date IS NOT OLD.sent_date OR NEW.notes IS NOT OLD.notes
            OR (OLD.receipt_date IS NOT NULL AND NEW.receipt_date IS NOT OLD.receipt_date)
            OR (OLD.refused_date IS NOT NULL AND NEW.refused_date IS NOT OLD.refused_date)
        BEGIN {_abort('registered_mail: only a receipt or a refusal can be added')} END""")
    return statements


_SIGNED = "SELECT RAISE(ABORT, 'settlement is signed');"


def _settlements() -> list[str]:
    statements = [
        f"""CREATE TRIGGER settlement_no_replace BEFORE INSERT ON settlement
        WHEN EXISTS (SELECT 1 FROM settlement WHERE id = NEW.id AND status != 'draft')
        BEGIN {_SIGNED} END""",
        _keeps_id("settlement"),
    ]
    for child in SETTLEMENT_CHILDREN:
        # settlement_invoice has a composite primary key; its rowid is what REPLACE
        # could still name. 0007's *_frozen_insert covers keys within the same settlement.
        key = "rowid" if child == "settlement_invoice" else "id"
        statements += [
            f"""CREATE TRIGGER {child}_no_replace BEFORE INSERT ON {child}
            WHEN EXISTS (SELECT 1 FROM {child} AS c JOIN settlement AS s
                         ON s.id = c.settlement_id
                         WHERE c.{key} = NEW.{key} AND s.status != 'draft')
            BEGIN {_SIGNED} END""",
            f"""CREATE TRIGGER {child}_keeps_id BEFORE UPDATE ON {child}
            WHEN NEW.{key} IS NOT OLD.{key}
            BEGIN {_abort(f'{child}: a row keeps its id')} END""",
            # 0007 looks at the settlement a row leaves; this one at where it goes.
            f"""CREATE TRIGGER {child}_frozen_move BEFORE UPDATE OF settlement_id ON {child}
            WHEN (SELECT status FROM settlement WHERE id = NEW.settlement_id) != 'draft'
            BEGIN {_SIGNED} END""",
        ]
    return statements


STATEMENTS = ([_no_replace(table, keys) for table, keys in APPEND_ONLY.items()]
              + _money_and_letters() + _settlements())


def up(migrator, db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
