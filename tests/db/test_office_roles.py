"""PostgreSQL only: on a shared ledger each person signs in as their own role, and the
server (not the screens) holds each to what their group may do: a collector records
contacts, not payments, settings or a negotiation's limits; a bookkeeper records money,
not settings; read-only reads; the owner does all. Every row names the role that made
it, whatever the program sent."""
import datetime as dt
import itertools
import urllib.parse

import pytest

from models.common.errors import DatabaseOpenError, ValidationError
from models.contact import contact_log
from models.contact.rules import CollectionRules, load_rules, save_rules
from models.db import faults as fault_kinds
from models.db.opening import open_database
from models.db.postgres import roles
from models.db.postgres.faults import NotPermittedError
from models.exchange.import_sources import remember_mapping
from models.ledger import services
from models.negotiation import negotiations as ng
from models.negotiation import settlements
from models.queries.aging import aging_report

AS_OF = dt.date(2026, 11, 22)
_names = itertools.count(1)


class Office:
    """A set-up ledger on the test server, its people, and one client owing 1,000 ₪."""

    def __init__(self, server, label: str):
        self.server = server
        self.url = server.new_ledger(label)
        self.people: list[str] = []
        with open_database(self.url) as admin:
            roles.setup(admin.db)
            client = services.add_client(name="כהן ובניו בע\"מ", kind="company")
            self.client_id = client.id
            self.invoice_id = services.add_invoice(client.id, "101", dt.date(2026, 8, 1),
                                                   "1000", due_date=dt.date(2026, 9, 1)).id

    def person(self, role: str) -> str:
        """A new person of `role`, signed up by the owner; their sign-in URL."""
        name = f"p{next(_names)}_{role}"
        with open_database(self.url) as admin:
            roles.add_user(admin.db, name, role, "a long pass phrase")
        self.people.append(name)
        parts = urllib.parse.urlsplit(self.url)
        return urllib.parse.urlunsplit(parts._replace(netloc=f"{name}@"))

    def close(self) -> None:
        self.server.drop(self.url)
        with self.server.admin() as conn:
            for name in self.people:
                conn.execute(f'DROP ROLE IF EXISTS "{name}"')


@pytest.fixture
def office(request, pg_server):
    made = Office(pg_server, request.node.name)
    yield made
    made.close()


def _refused(call, *args, **kwargs) -> NotPermittedError:
    with pytest.raises(NotPermittedError) as caught:
        call(*args, **kwargs)
    assert fault_kinds.message(fault_kinds.NOT_PERMITTED) in str(caught.value)
    return caught.value


def _count(db, table: str) -> int:
    return db.execute_sql(f"SELECT count(*) FROM {table}").fetchone()[0]


def _stricter_rules() -> CollectionRules:
    rules = load_rules()
    rules.promise_grace_days = rules.promise_grace_days + 3
    return rules


def test_office_collector_logs_contacts_in_their_own_name_and_nothing_more(office):
    url = office.person("collector")
    name = urllib.parse.urlsplit(url).username
    with open_database(url) as opened:
        assert roles.my_role(opened.db) == roles.COLLECTOR
        entry = contact_log.log_contact(office.client_id, dt.datetime(2026, 11, 1, 10, 0),
                                        "phone", summary="הבטיחו לשלם ביום ראשון")
        assert contact_log.require_entry(entry.id).created_by == name
        _refused(services.record_payment, office.client_id, AS_OF, "100")
        _refused(save_rules, _stricter_rules())
        negotiation = ng.start_negotiation(office.client_id, AS_OF)  # may open one
        ng.update_negotiation(negotiation.id, notes="נפגשים ביום שלישי")  # and note in it
        _refused(ng.update_negotiation, negotiation.id, min_amount_agorot=80_000)
        draft = settlements.create_settlement(office.client_id, [office.invoice_id], AS_OF)
        _refused(settlements.sign_settlement, draft.id, AS_OF)
        assert _count(opened.db, "payment") == 0
        assert settlements.get_settlement(draft.id).status == "draft"
        assert ng.latest_negotiation(office.client_id).min_amount_agorot is None
        assert ng.latest_negotiation(office.client_id).notes == "נפגשים ביום שלישי"


def test_office_bookkeeper_records_money_but_not_settings(office):
    url = office.person("bookkeeper")
    name = urllib.parse.urlsplit(url).username
    with open_database(url) as opened:
        assert roles.my_role(opened.db) == roles.BOOKKEEPER
        payment = services.record_payment(office.client_id, AS_OF, "400")
        assert services.Payment.get_by_id(payment.id).created_by == name
        services.add_invoice(office.client_id, "102", AS_OF, "50")
        remember_mapping("invoices", ["מספר"], {"מספר": "number"})  # an import's own
        _refused(save_rules, _stricter_rules())
        assert _count(opened.db, "payment") == 1


def test_office_read_only_reads_aging_and_writes_nothing(office):
    with open_database(office.person("readonly")) as opened:
        assert roles.my_role(opened.db) == roles.READONLY
        report = aging_report(AS_OF)
        assert [(row.client_id, sum(row.buckets)) for row in report.rows] == [
            (office.client_id, 100_000)]
        _refused(contact_log.log_contact, office.client_id, dt.datetime(2026, 11, 1, 10, 0),
                 "phone", summary="x")
        _refused(services.add_client, name="חדש", kind="person")
        assert _count(opened.db, "contact_log") == 0


def test_office_owner_does_all(office):
    url = office.person("owner")
    name = urllib.parse.urlsplit(url).username
    with open_database(url) as opened:
        assert roles.my_role(opened.db) == roles.OWNER
        save_rules(_stricter_rules())
        negotiation = ng.start_negotiation(office.client_id, AS_OF)
        ng.update_negotiation(negotiation.id, min_amount_agorot=80_000, allow_legal=True)
        draft = settlements.create_settlement(office.client_id, [office.invoice_id], AS_OF)
        signed = settlements.sign_settlement(draft.id, AS_OF)
        assert settlements.get_settlement(signed.id).status == "signed"
        assert settlements.get_settlement(signed.id).created_by == name
        services.record_payment(office.client_id, AS_OF, "100")
    with open_database(office.url) as admin:
        assert load_rules().promise_grace_days == CollectionRules().promise_grace_days + 3
        assert ng.latest_negotiation(office.client_id).min_amount_agorot == 80_000


def test_office_a_forged_author_is_replaced_by_the_signed_in_role(office):
    url = office.person("collector")
    name = urllib.parse.urlsplit(url).username
    with open_database(url) as opened:
        opened.db.execute_sql(
            "INSERT INTO contact_log (client_id, occurred_at, recorded_at, channel, "
            "direction, created_by) VALUES (?, '2026-11-02T10:00', '2026-11-02T10:00:00', "
            "'phone', 'in', 'the-owner')", (office.client_id,))
        assert opened.db.execute_sql("SELECT created_by FROM contact_log").fetchall() == [
            (name,)]


def test_office_people_are_listed_and_a_taken_name_is_refused(office):
    collector = urllib.parse.urlsplit(office.person("collector")).username
    keeper = urllib.parse.urlsplit(office.person("bookkeeper")).username
    with open_database(office.url) as admin:
        listed = dict(roles.users(admin.db))
        assert listed[collector] == roles.COLLECTOR and listed[keeper] == roles.BOOKKEEPER
        (stored,) = admin.db.execute_sql("SELECT rolpassword FROM pg_authid WHERE rolname = ?",
                                         (collector,)).fetchone()
        assert stored.startswith("SCRAM-SHA-256$") and "pass phrase" not in stored
        with pytest.raises(ValidationError, match=collector):
            roles.add_user(admin.db, collector, "owner", "another pass")
        with pytest.raises(ValidationError):
            roles.add_user(admin.db, "Robert'); DROP TABLE client;--", "owner", "x")
        assert roles.my_role(admin.db) == roles.OWNER  # the ledger's own owner
        roles.grant_all(admin.db)  # again: the same privileges, nothing doubled or lost
    with open_database(office.person("collector")):
        _refused(services.record_payment, office.client_id, AS_OF, "100")


def test_office_someone_in_no_group_cannot_even_connect(office):
    name = f"p{next(_names)}_outsider"
    with office.server.admin() as conn:
        conn.execute(f'CREATE ROLE "{name}" LOGIN')
    office.people.append(name)
    parts = urllib.parse.urlsplit(office.url)
    outsider = urllib.parse.urlunsplit(parts._replace(netloc=f"{name}@"))
    with pytest.raises(DatabaseOpenError, match="gvia office add-user"):
        open_database(outsider)
