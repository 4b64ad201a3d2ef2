"""Display names of the collection workflow's codes (channels, directions, tactics, actions,
promise states, dunning actions and steps), in the interface language.

The names live once, in the models' tables (models.contact.contact_log, .promises,
models.collection.dunning): these functions only ask them, so a screen, an export and a
printed document name a code with the same words."""
from __future__ import annotations

from models.collection.dunning import ACTION_KINDS, LETTER_LABELS, DunningLevel
from models.contact.contact_log import ACTIONS, CHANNELS, DIRECTIONS, TACTICS, label
from models.contact.promises import state_name


def channel_label(code: str) -> str:
    return label(CHANNELS, code)


def direction_label(code: str) -> str:
    return label(DIRECTIONS, code)


def tactic_label(code: str) -> str:
    return label(TACTICS, code)


def action_label(code: str | None) -> str:
    """What a log entry records for the dunning plan (models.contact.contact_log.ACTIONS)."""
    return label(ACTIONS, code)


def promise_state_label(code: str) -> str:
    return state_name(code)


def dunning_action_label(code: str) -> str:
    """A plan level's kind of action (models.collection.dunning.ACTION_KINDS)."""
    return label(ACTION_KINDS, code)


def dunning_letter_label(code: str | None) -> str:
    return label(LETTER_LABELS, code)


def step_label(action: str, letter_kind: str | None, days: int) -> str:
    """A plan step in words: the plan's own name for it (DunningLevel.label)."""
    if action not in ACTION_KINDS or (action == "letter") != (letter_kind in LETTER_LABELS):
        return dunning_action_label(action)
    return DunningLevel(days, action, letter_kind if action == "letter" else None).label
