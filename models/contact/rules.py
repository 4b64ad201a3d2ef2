"""The figures of the collection workflow (days of grace, windows of Today, the debt-notice
deadline, the minimum gap between two letters), kept as one setting. They sit below the contact log and promises, which need
the promise grace, and below the dunning plan and Today, which need the rest."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from models.common.errors import ValidationError
from models.common.i18n import _
from models.db.settings import get_setting, set_setting


@dataclass
class CollectionRules:
    """Figures of the collection workflow; every one is a setting, its default the Israeli practice.

    The consumer gate's 14 days are the letter settings' `debt_notice_wait_days`
    (models.letters.archive), one figure for the letter engine and the plan alike."""
    notice_deadline_months: int = 4    # §13ב2: the debt notice within 4 months of due date
    promise_grace_days: int = 3        # payments this late still keep a promise
    due_soon_days: int = 7             # Today: invoices falling due within these days
    broken_promise_days: int = 14      # Today: broken promises shown for these days
    check_window_days: int = 7         # Today: post-dated checks dated in the past N days
    letter_gap_days: int = 7           # two dunning letters to one client at least N days apart

    def validate(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 365:
                raise ValidationError(
                    _("The setting {name} must be a number of days from 0 to 365.").format(
                        name=f.name), field=f.name)


def load_rules() -> CollectionRules:
    stored = get_setting("collection_rules", {}) or {}
    known = {f.name for f in fields(CollectionRules)}
    return CollectionRules(**{k: v for k, v in stored.items() if k in known})


def save_rules(rules: CollectionRules) -> None:
    rules.validate()
    set_setting("collection_rules", asdict(rules))
