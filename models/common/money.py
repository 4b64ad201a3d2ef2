"""Money: integer agorot inside, `Decimal` at the edges, babel for display.

Parsing accepts what Israeli spreadsheets hold: `1,234.56`, `1.234,56`,
`1 234,56`, `12,5`, `₪`, `ש"ח`, `NIS`, `$`, `€`, `£`, `(1,234.00)`, `1234-`, `−5`. More
than two decimal places is refused rather than rounded, because it usually means a
misread column.

The ledger's currencies are LEDGER_CURRENCIES, here and nowhere else.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal

from models.common.errors import ValidationError
from models.common.i18n import N_, _
from models.common.text import strip_marks


@dataclass(frozen=True)
class Currency:
    """A currency the ledger keeps: its ISO code, its sign, its name (an English msgid,
    translated where it is shown) and what else people write for it."""
    code: str
    sign: str
    name: str
    aliases: tuple[str, ...] = ()


# The ledger's currencies, the one list: the screens' choices, the import, the aging
# report's headings and the error message below all read it. Shekels first.
LEDGER_CURRENCIES = (
    Currency("ILS", "₪", N_("New Israeli shekel"),
             ("NIS", 'ש"ח', "ש״ח", "שח", "שקל", "שקלים")),  # hebrew: input
    Currency("USD", "$", N_("US dollar"), ("דולר",)),  # hebrew: input
    Currency("EUR", "€", N_("Euro"), ("אירו", "יורו")),  # hebrew: input
    Currency("GBP", "£", N_("Pound sterling"),
             ('ליש"ט', "ליש״ט", "לישט", "לירה שטרלינג", "פאונד")),  # hebrew: input
)
CURRENCIES = tuple(c.code for c in LEDGER_CURRENCIES)
_BY_CODE = {c.code: c for c in LEDGER_CURRENCIES}
# What a user or a spreadsheet writes for a currency -> its code (upper case, spaces single).
CURRENCY_ALIASES = {" ".join(alias.upper().split()): c.code for c in LEDGER_CURRENCIES
                    for alias in (c.code, c.sign, *c.aliases)}
MAX_AGOROT = 10**12  # 10 billion: anything larger is a typo, not an invoice
# Signs and codes an amount cell may carry around its number (`₪1,200`, `1,200 ש"ח`, `£80`).
_SYMBOLS = re.compile("|".join([
    r"ש[\"״']?ח", "NIS",  # hebrew: input
    *(re.escape(text) for c in LEDGER_CURRENCIES for text in (c.code, c.sign))]), re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f']")


def parse_currency(text: str | None) -> str:
    """The code of a currency written as its code, its sign or its name; empty is ILS."""
    key = " ".join(strip_marks(text or "").upper().split()) or "ILS"
    try:
        return CURRENCY_ALIASES[key]
    except KeyError:
        raise ValidationError(
            _("The currency '{currency}' is not recognised; please use one of: "
              "{currencies}.").format(currency=text, currencies=", ".join(CURRENCIES)),
            field="currency") from None


def amount_currency(value) -> str | None:
    """The currency an amount cell names by its sign or code (`£80`, `1,200 ש"ח`), or None
    when it names none; a cell naming two currencies is not an amount."""
    if not isinstance(value, str):
        return None
    found = {_sign_currency(m.group(0)) for m in _SYMBOLS.finditer(strip_marks(value))}
    if len(found) > 1:
        raise _not_an_amount(value)
    return found.pop() if found else None


def _sign_currency(sign: str) -> str:
    return CURRENCY_ALIASES.get(sign.upper(), "ILS")  # ש"ח, NIS and their spellings: shekels


def currency_name(code: str) -> str:
    """The currency's name in the language in force, with its sign: `Pound sterling (£)`;
    the code itself for a currency the ledger does not keep."""
    currency = _BY_CODE.get(code)
    return f"{_(currency.name)} ({currency.sign})" if currency else code


def parse_amount(value, *, allow_negative: bool = False) -> int:
    """A typed or imported amount -> agorot. Raises ValidationError (translated)."""
    if isinstance(value, bool):
        raise ValidationError(_("The amount is not valid."), field="amount")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        amount = _parse_amount_text(str(value or ""))
    if not amount.is_finite():
        raise ValidationError(_("The amount is not valid."), field="amount")
    # Size first: quantizing a huge value overflows Decimal's precision.
    if abs(amount) * 100 >= MAX_AGOROT:
        raise ValidationError(_("The amount {amount} is unusually large; please check for a "
                                "typing mistake.").format(amount=value), field="amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(_("The amount {amount} has more than two digits after the "
                                "decimal point.").format(amount=value), field="amount")
    agorot = int(amount * 100)
    if agorot == 0:
        raise ValidationError(_("The amount must be greater than zero."), field="amount")
    if agorot < 0 and not allow_negative:
        raise ValidationError(_("The amount must be positive (got {amount}).").format(
            amount=value), field="amount")
    return agorot


def _parse_amount_text(raw: str) -> Decimal:
    text = _SYMBOLS.sub("", strip_marks(raw)).strip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    text = text.replace("\u2212", "-").strip()
    if text.endswith("-"):
        negative, text = True, text[:-1]
    if text.startswith("-"):
        negative, text = not negative, text[1:]
    text = _SPACES.sub("", text.lstrip("+"))
    if not text:
        raise ValidationError(_("The amount is missing."), field="amount")
    text = _normalise_separators(text, raw)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _not_an_amount(raw) from None
    if not amount.is_finite():
        raise _not_an_amount(raw)
    return -amount if negative else amount


def _not_an_amount(raw: str) -> ValidationError:
    return ValidationError(_("'{text}' is not a valid amount.").format(text=raw.strip()),
                           field="amount")


def _normalise_separators(text: str, raw: str) -> str:
    """Decide which of ',' and '.' is the decimal separator."""
    if not re.fullmatch(r"[\d.,]+", text):
        raise _not_an_amount(raw)
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        text = text.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in text:
        # `1,234` and `1,234,567` are thousands; `12,5` and `1234,56` are decimals.
        if re.fullmatch(r"\d{1,3}(,\d{3})+", text):
            text = text.replace(",", "")
        elif text.count(",") == 1:
            text = text.replace(",", ".")
        else:
            raise _not_an_amount(raw)
    elif text.count(".") > 1:
        if not re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            raise _not_an_amount(raw)
        text = text.replace(".", "")
    return text


def to_decimal(agorot: int) -> Decimal:
    return (Decimal(agorot) / 100).quantize(Decimal("0.01"))


def plain(agorot: int) -> str:
    """`1234.50`: the export form (CSV, JSON)."""
    return f"{to_decimal(agorot):.2f}"


def format_money(agorot: int, currency: str = "ILS", locale: str = "he_IL") -> str:
    """Display form, as babel writes it for the locale (he_IL: `‏1,234.50 ‏₪`)."""
    return format_currency(to_decimal(agorot), currency, locale=locale)


def format_amount(agorot: int, locale: str = "he_IL") -> str:
    """Grouped number without a currency sign (for table cells)."""
    return format_decimal(to_decimal(agorot), format="#,##0.00", locale=locale)
