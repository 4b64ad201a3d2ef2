"""Schema 16: change notices for a shared office. Frozen DDL.

On PostgreSQL, after every INSERT, UPDATE or DELETE statement on a table the screens
show, the server announces the table's name on the channel 'gvia_changes'
(models/db/postgres/notices.py listens), so every office computer's open screens reload
what another person changed. One notice per statement, not per row: an import of
100,000 rows is one notice, and the server folds equal notices of one transaction.

On SQLite nothing: one program writes the file, and it tells its own screens.
"""

TABLES = (
    "client", "contact_person", "client_relation",
    "invoice", "credit_note", "payment", "allocation", "deposit_request",
    "setting", "letter", "registered_mail",
    "contact_log", "contact_attachment", "promise", "client_status_change",
    "negotiation", "settlement", "settlement_invoice", "settlement_instalment",
    "settlement_point", "settlement_event", "case_record", "collection_expense",
)

POSTGRES_STATEMENTS = [
    """CREATE FUNCTION gvia_change_notice() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('gvia_changes', TG_TABLE_NAME);
        RETURN NULL;
    END $$""",
    *(f"""CREATE TRIGGER {table}_change_notice AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION gvia_change_notice()""" for table in TABLES),
]


def up(migrator, db):
    pass  # SQLite: nothing (see above)
