"""Schema 7: negotiation and settlement — the case file's own records (disputes and claims
history, relationships, collection expenses), negotiations with their authority limits,
and debt settlements (הסדר חוב) with the invoices they cover, their instalments and
their agreed and open points. Frozen DDL.

A settlement is written in draft; once signed its figures are what both sides signed, so
triggers refuse any change to its covered invoices, instalments and amounts (it can only
be cancelled). Whether a signed settlement is active, completed or breached is computed
from payments (models.negotiation.settlements), never stored.
"""

STATEMENTS = [
    """CREATE TABLE case_record (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES client (id),
        kind TEXT NOT NULL CHECK (kind IN
            ('dispute', 'complaint', 'claim', 'lawsuit', 'counter_claim')),
        record_date DATE NOT NULL,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'closed')),
        subject TEXT NOT NULL,
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL)""",
    "CREATE INDEX case_record_client ON case_record (client_id, record_date)",
    """CREATE TABLE client_relation (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES client (id),
        side TEXT NOT NULL CHECK (side IN ('client', 'ours')),
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('decides', 'pays', 'knows', 'other')),
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL)""",
    "CREATE INDEX client_relation_client ON client_relation (client_id)",
    """CREATE TABLE collection_expense (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES client (id),
        expense_date DATE NOT NULL,
        amount_agorot INTEGER NOT NULL CHECK (amount_agorot > 0),
        currency TEXT NOT NULL DEFAULT 'ILS',
        description TEXT NOT NULL,
        created_at TEXT NOT NULL)""",
    "CREATE INDEX collection_expense_client ON collection_expense (client_id, expense_date)",
    """CREATE TABLE negotiation (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES client (id),
        opened_date DATE NOT NULL,
        currency TEXT NOT NULL DEFAULT 'ILS',
        opening_agorot INTEGER NOT NULL CHECK (opening_agorot >= 0),
        min_amount_agorot INTEGER CHECK (min_amount_agorot IS NULL OR min_amount_agorot >= 0),
        max_instalments INTEGER CHECK (max_instalments IS NULL OR max_instalments >= 0),
        latest_final_date DATE,
        allow_stop_service INTEGER NOT NULL DEFAULT 0,
        allow_final_warning INTEGER NOT NULL DEFAULT 0,
        allow_legal INTEGER NOT NULL DEFAULT 0,
        is_file_studied INTEGER NOT NULL DEFAULT 0,
        is_limits_set INTEGER NOT NULL DEFAULT 0,
        is_calm_and_fed INTEGER NOT NULL DEFAULT 0,
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL)""",
    "CREATE INDEX negotiation_client ON negotiation (client_id, opened_date)",
    """CREATE TABLE settlement (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES client (id),
        negotiation_id INTEGER REFERENCES negotiation (id),
        currency TEXT NOT NULL DEFAULT 'ILS',
        agreement_date DATE NOT NULL,
        debt_agorot INTEGER NOT NULL CHECK (debt_agorot > 0),
        discount_agorot INTEGER NOT NULL DEFAULT 0 CHECK (discount_agorot >= 0),
        down_payment_agorot INTEGER NOT NULL DEFAULT 0 CHECK (down_payment_agorot >= 0),
        down_payment_date DATE,
        final_date DATE NOT NULL,
        status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed', 'cancelled')),
        signed_date DATE,
        cancelled_date DATE,
        waiver_credit_note_id INTEGER REFERENCES credit_note (id),
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        CHECK (discount_agorot + down_payment_agorot <= debt_agorot),
        CHECK (down_payment_agorot = 0 OR down_payment_date IS NOT NULL))""",
    "CREATE INDEX settlement_client ON settlement (client_id, agreement_date)",
    "CREATE INDEX settlement_signed ON settlement (status) WHERE status = 'signed'",
    """CREATE TABLE settlement_invoice (
        settlement_id INTEGER NOT NULL REFERENCES settlement (id),
        invoice_id INTEGER NOT NULL REFERENCES invoice (id),
        PRIMARY KEY (settlement_id, invoice_id))""",
    "CREATE INDEX settlement_invoice_invoice ON settlement_invoice (invoice_id)",
    """CREATE TABLE settlement_instalment (
        id INTEGER PRIMARY KEY,
        settlement_id INTEGER NOT NULL REFERENCES settlement (id),
        seq INTEGER NOT NULL CHECK (seq >= 1),
        due_date DATE NOT NULL,
        amount_agorot INTEGER NOT NULL CHECK (amount_agorot > 0),
        method TEXT NOT NULL DEFAULT 'transfer',
        check_number TEXT NOT NULL DEFAULT '',
        check_bank TEXT NOT NULL DEFAULT '',
        UNIQUE (settlement_id, seq))""",
    """CREATE TABLE settlement_point (
        id INTEGER PRIMARY KEY,
        settlement_id INTEGER NOT NULL REFERENCES settlement (id),
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        is_agreed INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX settlement_point_settlement ON settlement_point (settlement_id, position)",
]

# What was signed stays as signed: the covered invoices, instalments, points and figures;
# a signed settlement can only become cancelled, once, and its dates stay as recorded.
_FROZEN = "SELECT RAISE(ABORT, 'settlement is signed')"
for _table, _row in (("settlement_invoice", "OLD"), ("settlement_instalment", "OLD"),
                     ("settlement_point", "OLD")):
    for _event in ("UPDATE", "DELETE"):
        STATEMENTS.append(
            f"""CREATE TRIGGER {_table}_frozen_{_event.lower()} BEFORE {_event} ON {_table}
            WHEN (SELECT status FROM settlement WHERE id = {_row}.settlement_id) != 'draft'
            BEGIN {_FROZEN}; END""")
    STATEMENTS.append(
        f"""CREATE TRIGGER {_table}_frozen_insert BEFORE INSERT ON {_table}
        WHEN (SELECT status FROM settlement WHERE id = NEW.settlement_id) != 'draft'
        BEGIN {_FROZEN}; END""")
STATEMENTS.append(
    f"""CREATE TRIGGER settlement_frozen_update BEFORE UPDATE ON settlement
    WHEN OLD.status != 'draft' AND (
        NEW.debt_agorot != OLD.debt_agorot OR NEW.discount_agorot != OLD.discount_agorot
        OR NEW.down_payment_agorot != OLD.down_payment_agorot
        OR NEW.down_payment_date IS NOT OLD.down_payment_date
        OR NEW.final_date != OLD.final_date OR NEW.currency != OLD.currency
        OR NEW.agreement_date != OLD.agreement_date OR NEW.client_id != OLD.client_id
        OR NEW.status NOT IN (OLD.status, 'cancelled')
        OR NEW.signed_date IS NOT OLD.signed_date
        OR (OLD.cancelled_date IS NOT NULL AND NEW.cancelled_date IS NOT OLD.cancelled_date))
    BEGIN {_FROZEN}; END""")
STATEMENTS.append(
    f"""CREATE TRIGGER settlement_no_delete BEFORE DELETE ON settlement
    WHEN OLD.status != 'draft' BEGIN {_FROZEN}; END""")


def up(migrator, db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
