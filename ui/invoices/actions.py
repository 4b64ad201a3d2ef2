"""Invoice actions shared by the invoices list and the client card: each takes the
selected line (anything with id, number, is_disputed, cancelled_date) and its parent."""
from __future__ import annotations

from models.common.errors import GviaError
from models.ledger import services
from ui import events
from ui.i18n import _
from ui.invoices.credit_note_dialog import CreditNoteDialog
from ui.invoices.invoice_dialog import InvoiceDialog
from ui.widgets import clock, dialogs
from ui.widgets.display import ltr


def edit_invoice(parent, line) -> None:
    if line.cancelled_date:
        dialogs.show_error(parent, _("A cancelled invoice cannot be edited."))
        return
    InvoiceDialog.ask(parent, invoice_id=line.id)


def toggle_disputed(line) -> None:
    services.set_disputed(line.id, not line.is_disputed)
    events.announce(events.INVOICES)


def cancel_invoice(parent, line) -> None:
    """Cancel after confirmation; money data is never deleted, only marked cancelled."""
    if not dialogs.confirm(parent, _("Cancel invoice"),
                           _("Cancel invoice {number}? It stays on record, marked as "
                             "cancelled, and no longer counts as owed.").format(
                               number=ltr(line.number)), _("Cancel the invoice")):
        return
    try:
        services.cancel_invoice(line.id, clock.today())
    except GviaError as exc:
        dialogs.show_error(parent, str(exc))
        return
    events.announce(events.INVOICES)


def new_credit_note(parent, line=None, *, client_id: int | None = None):
    """A credit note for the client; on the selected invoice when there is one (unless it
    was cancelled: nothing is owed on it to credit)."""
    if line is not None and not line.cancelled_date:
        return CreditNoteDialog.ask(parent, invoice_id=line.id)
    return CreditNoteDialog.ask(parent, client_id=client_id)
