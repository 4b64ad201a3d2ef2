"""Client status (active, on hold, in collection, handed over, Execution Office, written off,
closed): every change has a reason and a date, is written to the contact log, and is kept.

API:
    change_status(client_id, new_status, reason=, changed_at=) -> StatusChange
    status_history(client_id) -> list[StatusChange]  (oldest first)
    STATUSES_WITHOUT_DUNNING: the dunning plan leaves these clients alone.

`client.status` holds the status of the latest change by date, so a change recorded late
(back-dated) does not overturn a newer one. Use this module, not `services.update_client`,
to change a status: only this path leaves the trail.
"""
from __future__ import annotations

import datetime as dt

import peewee as pw

from models.common.errors import ValidationError
from models.common.i18n import _
from models.common.text import clean_text
from models.contact.contact_log import (
    AppendOnlyModel,
    ContactLogEntry,
    as_datetime,
    log_contact,
)
from models.db.authors import author
from models.db.connection import database
from models.ledger.clients import CLIENT_STATUSES, Client, require_client

# Someone else (lawyer, agency, Execution Office) has the case, or it is over.
STATUSES_WITHOUT_DUNNING = ("handed_over", "execution", "written_off", "closed")


class StatusChange(AppendOnlyModel):
    client = pw.ForeignKeyField(Client, backref="status_changes")
    entry = pw.ForeignKeyField(ContactLogEntry)
    changed_date = pw.DateField()
    old_status = pw.TextField()
    new_status = pw.TextField()
    reason = pw.TextField(default="")
    created_by = pw.TextField(default=author)  # who recorded it (migration 0014)

    class Meta:
        table_name = "client_status_change"


def change_status(client_id: int, new_status: str, *, reason: str,
                  changed_at: dt.datetime | dt.date,
                  recorded_at: dt.datetime | None = None) -> StatusChange:
    """Change a client's status; the reason is required, the change is logged."""
    if new_status not in CLIENT_STATUSES:
        raise ValidationError(_("Unknown status: {status}.").format(status=new_status),
                              field="status")
    reason = clean_text(reason)
    if not reason:
        raise ValidationError(_("Please give the reason for the status change."), field="reason")
    when = as_datetime(changed_at, _("The time of the change"))
    with database.atomic():
        client = require_client(client_id)
        old = status_on(client, when.date())
        if old == new_status:
            raise ValidationError(_("The client's status is already '{status}'.").format(
                status=status_name(new_status)), field="status")
        entry = log_contact(
            client.id, when, "other", action="status", recorded_at=recorded_at,
            summary=_("Status change: {old} → {new}. Reason: {reason}").format(
                old=status_name(old), new=status_name(new_status), reason=reason))
        change = StatusChange.create(client=client, entry=entry, changed_date=when.date(),
                                     old_status=old, new_status=new_status, reason=reason)
        latest = (StatusChange.select().where(StatusChange.client == client.id)
                  .order_by(StatusChange.changed_date.desc(), StatusChange.id.desc()).first())
        Client.update(status=latest.new_status).where(Client.id == client.id).execute()
        return change


def status_name(code: str) -> str:
    """A status as the user reads it; the names are models.ledger.clients.CLIENT_STATUSES,
    translated here whether that table holds msgids (N_) or still the Hebrew names."""
    return _(CLIENT_STATUSES.get(code, code))


def status_on(client: Client, day: dt.date) -> str:
    """The status in force on `day`: the last change dated by then (else the original)."""
    last = (StatusChange.select().where((StatusChange.client == client.id)
                                        & (StatusChange.changed_date <= day))
            .order_by(StatusChange.changed_date.desc(), StatusChange.id.desc()).first())
    if last is not None:
        return last.new_status
    first = (StatusChange.select().where(StatusChange.client == client.id)
             .order_by(StatusChange.changed_date, StatusChange.id).first())
    return first.old_status if first is not None else client.status


def status_history(client_id: int) -> list[StatusChange]:
    return list(StatusChange.select().where(StatusChange.client == client_id)
                .order_by(StatusChange.changed_date, StatusChange.id))
