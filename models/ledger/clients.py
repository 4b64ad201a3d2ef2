"""Clients and their contact persons."""
from __future__ import annotations

import peewee as pw

from models.common.errors import ValidationError
from models.common.i18n import N_, Labels, _
from models.db.connection import BaseModel


CLIENT_KINDS = Labels({"person": N_("Private person"), "company": N_("Business client")})
CLIENT_STATUSES = Labels({
    "active": N_("Active"),
    "on_hold": N_("Waiting for payment"),
    "in_collection": N_("In collection"),
    "handed_over": N_("Handed to a lawyer / agency"),
    "execution": N_("At the Execution Office"),
    "written_off": N_("Written off"),
    "closed": N_("Closed"),
})


class Client(BaseModel):
    external_id = pw.TextField(null=True, unique=True)
    name = pw.TextField()
    search_key = pw.TextField(index=True)
    kind = pw.TextField(default="company")
    tax_id = pw.TextField(default="")
    email = pw.TextField(default="")
    phone = pw.TextField(default="")
    address = pw.TextField(default="")
    city = pw.TextField(default="")
    zip = pw.TextField(default="")
    terms = pw.TextField(null=True)  # None: the business's default terms
    status = pw.TextField(default="active")
    notes = pw.TextField(default="")
    created_at = pw.TextField()

    @property
    def is_person(self) -> bool:
        return self.kind == "person"


class ContactPerson(BaseModel):
    client = pw.ForeignKeyField(Client, backref="contacts", on_delete="CASCADE")
    name = pw.TextField()
    role = pw.TextField(default="")
    phone = pw.TextField(default="")
    email = pw.TextField(default="")


def find_client_by_id(client_id: int) -> Client | None:
    """The client with this id, or None (require_client raises instead)."""
    return Client.get_or_none(Client.id == client_id)


def client_not_found(client_id: int) -> ValidationError:
    """The one error for a client id the ledger does not hold, for every caller to raise."""
    return ValidationError(_("Client number {id} was not found.").format(id=client_id))


def require_client(client_id: int) -> Client:
    """The client with this id; ValidationError (client_not_found) when there is none."""
    client = find_client_by_id(client_id)
    if client is None:
        raise client_not_found(client_id)
    return client


def clients_by_id(client_ids: list[int]) -> dict[int, Client]:
    """The clients with these ids (those that exist), a few hundred ids per statement."""
    ids = list(dict.fromkeys(client_ids))
    found: dict[int, Client] = {}
    for start in range(0, len(ids), 500):
        found.update((c.id, c) for c in Client.select().where(
            Client.id.in_(ids[start:start + 500])))
    return found
