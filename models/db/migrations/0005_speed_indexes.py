"""Schema 5: each invoice carries what was paid on it, so lists of open invoices read only
the open ones. Frozen DDL, independent of the application models on purpose.

Whether an invoice is open is a sum over its allocations, which no index can hold; on a
million invoices every "what is open" query visited them all (Today ~3 s, the invoices
screen's "open" filter ~8 s). Two columns, kept by triggers in the same transaction as
every allocation written (so no code path can forget them):

    paid_agorot        its allocations not reversed (open today = amount - paid)
    paid_changed_date  the latest applied or reversed date among its allocations

As of any date D, an invoice with paid = amount and nothing changed after D was not open
on D either; so "open as of D" reads the small partial index `invoice_unpaid` (which
holds every column the open-invoice lists need) plus the invoices changed after D
(`invoice_paid_changed`), and only those need their allocations summed as of D.
`paid_agorot` defaults to 0, right for a new invoice, so inserting invoices costs nothing.

`allocation_invoice_id` goes: `allocation_open` (0004) leads with the same column, so every
lookup by invoice (and the foreign-key check) uses that one.
"""

_RECOMPUTE = """
    UPDATE invoice SET
        paid_agorot = (SELECT COALESCE(SUM(amount_agorot), 0) FROM allocation
                       WHERE invoice_id = invoice.id AND reversed_date IS NULL),
        paid_changed_date = (SELECT MAX(MAX(applied_date), COALESCE(MAX(reversed_date), ''))
                             FROM allocation WHERE invoice_id = invoice.id)
    WHERE id IN (OLD.invoice_id, NEW.invoice_id);"""

STATEMENTS = [
    "ALTER TABLE invoice ADD COLUMN paid_agorot INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE invoice ADD COLUMN paid_changed_date DATE",
    """UPDATE invoice SET (paid_agorot, paid_changed_date) = (
            SELECT COALESCE(SUM(CASE WHEN reversed_date IS NULL THEN amount_agorot END), 0),
                   MAX(MAX(applied_date), COALESCE(MAX(reversed_date), ''))
            FROM allocation WHERE invoice_id = invoice.id)
        WHERE id IN (SELECT invoice_id FROM allocation)""",
    """CREATE INDEX invoice_unpaid ON invoice (issue_date, due_date, client_id, currency,
            cancelled_date, is_disputed, amount_agorot, paid_agorot, paid_changed_date, number)
        WHERE paid_agorot <> amount_agorot""",
    """CREATE INDEX invoice_paid_changed
        ON invoice (paid_changed_date, issue_date, due_date, currency, cancelled_date)
        WHERE paid_changed_date IS NOT NULL""",
    # Inserts (every payment, the import, the demo) are the common case: a cheap delta.
    """CREATE TRIGGER allocation_paid_new AFTER INSERT ON allocation BEGIN
        UPDATE invoice SET
            paid_agorot = paid_agorot
                + CASE WHEN NEW.reversed_date IS NULL THEN NEW.amount_agorot ELSE 0 END,
            paid_changed_date = MAX(COALESCE(paid_changed_date, ''), NEW.applied_date,
                                    COALESCE(NEW.reversed_date, ''))
        WHERE id = NEW.invoice_id;
    END""",
    # A bounced check (or any other change) recomputes the invoices concerned.
    f"""CREATE TRIGGER allocation_paid_change
        AFTER UPDATE OF invoice_id, amount_agorot, applied_date, reversed_date ON allocation
        BEGIN {_RECOMPUTE}
    END""",
    f"""CREATE TRIGGER allocation_paid_gone AFTER DELETE ON allocation BEGIN
        {_RECOMPUTE.replace("NEW.invoice_id", "OLD.invoice_id")}
    END""",
    "DROP INDEX allocation_invoice_id",
]


def up(migrator, db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
