"""Display names of the ledger's stored codes (statuses, kinds, methods), translated
when asked. The codes come from models/; the words belong to the interface."""
from __future__ import annotations

from ui.i18n import _


def client_status_label(code: str) -> str:
    return {
        "active": _("Active"),
        "on_hold": _("Waiting for payment"),
        "in_collection": _("In collection"),
        "handed_over": _("Handed to a lawyer / agency"),
        "execution": _("At the Execution Office"),
        "written_off": _("Written off"),
        "closed": _("Closed"),
    }.get(code, code)


def client_kind_label(code: str) -> str:
    return {"person": _("Private person"), "company": _("Business client")}.get(code, code)


def invoice_kind_label(code: str) -> str:
    return {"invoice": _("Tax invoice"), "demand": _("Payment demand"),
            "receipt_invoice": _("Tax invoice / receipt")}.get(code, code)


def invoice_state_label(code: str) -> str:
    return {"all": _("All invoices"), "open": _("Awaiting payment"),
            "overdue": _("Overdue"), "disputed": _("Disputed"), "paid": _("Fully paid"),
            "cancelled": _("Cancelled")}.get(code, code)


def payment_method_label(code: str) -> str:
    return {"transfer": _("Bank transfer"), "check": _("Check"), "card": _("Credit card"),
            "cash": _("Cash"), "bit": _("Bit"), "other": _("Other")}.get(code, code)


def business_type_label(code: str) -> str:
    return {"exempt": _("Exempt dealer (osek patur)"),
            "licensed": _("Licensed dealer (osek murshe)"),
            "company": _("Company (Ltd.)")}.get(code, code)
