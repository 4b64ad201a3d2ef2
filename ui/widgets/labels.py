"""Display names of the ledger's stored codes (client kinds and statuses, invoice kinds,
payment methods, business types), in the interface language.

The names live once, in the models' tables (Labels: translated on lookup); these functions
only ask them, so a screen, the command line and a printed document use the same words.
The invoice states' names are models.ledger.invoices' (INVOICE_STATES, invoice_state_text),
shared by the list's filter, its rows and the client card."""
from __future__ import annotations

from models.db.settings import BUSINESS_TYPES
from models.ledger.clients import CLIENT_KINDS, CLIENT_STATUSES
from models.ledger.invoices import INVOICE_KINDS, INVOICE_STATES
from models.ledger.payments import PAYMENT_METHODS
from ui.i18n import _


def client_status_label(code: str) -> str:
    return CLIENT_STATUSES.get(code, code)


def client_kind_label(code: str) -> str:
    return CLIENT_KINDS.get(code, code)


def invoice_kind_label(code: str) -> str:
    return INVOICE_KINDS.get(code, code)


def invoice_state_label(code: str) -> str:
    """A state filter's name: every invoice, or a state (models.ledger.invoices; an
    invoice's own state in a row is invoice_state_text, with its date)."""
    return _("All invoices") if code == "all" else INVOICE_STATES.get(code, code)


def payment_method_label(code: str) -> str:
    return PAYMENT_METHODS.get(code, code)


def business_type_label(code: str) -> str:
    return BUSINESS_TYPES.get(code, code)
