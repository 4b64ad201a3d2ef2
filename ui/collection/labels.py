"""Display names of the collection workflow's codes (channels, directions, tactics, actions,
promise states, dunning actions), translated when asked. The codes belong to models/."""
from __future__ import annotations

from ui.i18n import _


def channel_label(code: str) -> str:
    return {
        "phone": _("Phone"), "meeting": _("Meeting"), "email": _("E-mail"),
        "letter": _("Letter"), "fax": _("Fax"), "sms": _("SMS"), "whatsapp": _("WhatsApp"),
        "other": _("Other"),
    }.get(code, code)


def direction_label(code: str) -> str:
    return {"out": _("Outgoing (we contacted them)"),
            "in": _("Incoming (they contacted us)")}.get(code, code)


def tactic_label(code: str) -> str:
    return {
        "procrastination": _("Procrastination"),
        "other_creditors": _("Paying other creditors first"),
        "emotional_pressure": _("Emotional pressure"),
        "threats": _("Threats"),
        "complaint_collector": _("Complaint about the person collecting"),
        "counter_claim": _("Counter-claim"),
        "manager_request": _("Asks to speak to a manager"),
        "disputes_amount_quality": _("Disputes the amount or the quality"),
    }.get(code, code)


def action_label(code: str | None) -> str:
    """What a log entry records for the dunning plan (models.contact.contact_log.ACTIONS)."""
    if not code:
        return ""
    return {
        "debt-notice": _("Debt notice sent"),
        "reminder": _("Reminder sent"),
        "second-reminder": _("Second reminder sent"),
        "final-warning": _("Final warning sent"),
        "call": _("Collection call"),
        "email": _("E-mail sent"),
        "handover": _("Debt handed over"),
        "status": _("Status change"),
    }.get(code, code)


def promise_state_label(code: str) -> str:
    return {"pending": _("Pending"), "kept": _("Kept"), "partly_kept": _("Partly kept"),
            "broken": _("Broken")}.get(code, code)


def dunning_action_label(code: str) -> str:
    """A plan level's kind of action (models.collection.dunning.ACTION_KINDS)."""
    return {"letter": _("Letter"), "call": _("Phone call"), "email": _("E-mail"),
            "handover": _("Hand over (lawyer, agency, Execution Office)")}.get(code, code)


def dunning_letter_label(code: str | None) -> str:
    if not code:
        return ""
    return {"debt-notice": _("Debt notice (private person)"), "reminder": _("Reminder"),
            "second-reminder": _("Second reminder"),
            "final-warning": _("Final warning before legal proceedings")}.get(code, code)


def step_label(action: str, letter_kind: str | None, days: int) -> str:
    """A plan step in words: the letter's name, or the kind of action."""
    if action == "letter" and letter_kind:
        return dunning_letter_label(letter_kind)
    if action == "email" and days < 0:
        return _("Friendly reminder before the due date")
    return dunning_action_label(action)
