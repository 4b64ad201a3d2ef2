"""Right-to-left text for PDFs: THE one place where Hebrew lines are wrapped and reordered.

reportlab draws glyphs left to right in the order it is given them, so every line must
reach it in *visual* order. The recipe:

1. wrap the paragraph into lines in LOGICAL order, measuring with `stringWidth`
   (reordering first and wrapping after would reverse the order of the lines);
2. reorder each line on its own with the Unicode bidirectional algorithm, base direction
   right-to-left, mirroring brackets on right-to-left runs so `(ש"ח)` prints as `(ש"ח)`;
3. strip the invisible direction marks (Heebo draws U+200F as a visible glyph);
4. draw the result with `drawRightString` (or `drawString` for left-aligned cells).

Public API:
    visual(line, base="R") -> str          one line, logical -> visual, marks removed
    wrap(text, font, size, width) -> [str] logical-order lines that fit `width` points
    shape(text, font, size, width) -> [str] wrap + visual: lines ready to draw
    strip_controls(text) -> str            drop embedding/override/isolate controls
    clear_caches()                         forget reordered lines and widths (a cold start)
    in_hebrew(label) -> str                a label as a Hebrew document prints it

Step 2 is our own compact implementation of UAX #9 for a single paragraph without
explicit embeddings (W1–W7, N0 bracket pairs, N1–N2, I1–I2, L1, L2, L4). Why not
python-bidi: its pure-Python `bidi.algorithm.get_display` mirrors brackets but lacks the
bracket-pair rule N0, so `Acme Ltd (Israel) חייבת` comes out as `Acme Ltd (Israel(`; its
Rust `get_display` applies N0 but never mirrors, so `(ש"ח)` comes out as `)ש"ח(`; and the
pure-Python one costs ~0.4 ms a line, too slow for hundreds of letters a second. The
tests compare this module with the Rust implementation on random mixed strings (order)
and with the pure-Python one (mirroring). Explicit embedding, override and isolate
controls (U+202A–202E, U+2066–2069) are dropped before reordering: they only ever reach
us in user data, where an RLO would turn the rest of a line around.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bidi.mirror import MIRRORED
from reportlab.pdfbase.pdfmetrics import stringWidth

# Embeddings, overrides and isolates: removed before reordering (see module docstring).
_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Everything invisible that must not reach the page once the order is settled.
_MARKS = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]")
_BRACKET_OPEN = {"(": ")", "[": "]", "{": "}", "\u2045": "\u2046", "\u207d": "\u207e",
                 "\u208d": "\u208e", "\u2329": "\u232a", "\u3008": "\u3009"}
_BRACKET_CLOSE = {v: k for k, v in _BRACKET_OPEN.items()}
_MAX_BRACKET_DEPTH = 63  # BD16: deeper nesting stops pairing
_NEUTRAL = frozenset(("B", "S", "WS", "ON"))
_RTL_TYPES = frozenset(("R", "AL"))
_LTR_TYPES = frozenset(("L", "EN", "AN", "LRE", "LRO", "LRI", "FSI", "B"))


# The order depends only on each character's bidi class, and on bracket pairs and mirroring,
# none of which tells one ASCII digit from another: `22/11/2026` and `01/06/2025` share
# one computed order, so the amounts, dates and numbers that differ between letters
# cost a lookup, not a run of the algorithm.
_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")


def strip_controls(text: str) -> str:
    return _CONTROLS.sub("", text)


def strip_marks(text: str) -> str:
    return _MARKS.sub("", text)


class _Dropped(dict):
    """str.translate table that deletes the controls and the BN characters (zero width
    joiners, soft hyphens …) the algorithm ignores; filled per character first met."""

    def __missing__(self, code: int) -> int | None:
        ch = chr(code)
        kept = None if _CONTROLS.match(ch) or unicodedata.bidirectional(ch) == "BN" else code
        self[code] = kept
        return kept


_DROPPED = _Dropped()


@lru_cache(maxsize=8192)
def visual(line: str, base: str = "R") -> str:
    """One line of text, logical order -> the order to draw it in; invisible marks removed.

    Cached: letters repeat most of their lines, and the reorder is the costliest step.
    """
    chars = line.translate(_DROPPED)
    order, mirror = _display_order(chars.translate(_DIGITS_AS_ZERO), base)
    if mirror:
        chars = list(chars)
        for i in mirror:
            chars[i] = MIRRORED[chars[i]]
    return "".join(map(chars.__getitem__, order))


@lru_cache(maxsize=4096)
def _display_order(chars: str, base: str) -> tuple[tuple[int, ...], frozenset[int]]:
    """Indices of `chars` in display order, invisible marks left out, and those indices
    to draw as their mirror image."""
    if not chars:
        return (), frozenset()
    types = [unicodedata.bidirectional(c) for c in chars]
    # A line with no right-to-left letter at all (`Cobalt Software Inc.`) is read
    # left to right, as its first strong letter says (UAX #9 P2): its final period
    # then stays after `Inc` instead of jumping to the far side.
    base_level = 1 if base == "R" and not _RTL_TYPES.isdisjoint(types) else 0
    if base_level == 1 and _LTR_TYPES.isdisjoint(types):
        # Nothing left-to-right: every character resolves to level 1 (the rules give
        # the same), so the line is simply reversed with brackets mirrored.
        levels = [1] * len(chars)
        order = range(len(chars) - 1, -1, -1)
    else:
        levels = _resolve_levels(types, list(chars), base_level)
        order = _reorder(levels)
    mirror = frozenset(i for i, ch in enumerate(chars)
                       if levels[i] % 2 and ch in MIRRORED and unicodedata.mirrored(ch))
    return tuple(i for i in order if not _MARKS.match(chars[i])), mirror


def clear_caches() -> None:
    for cached in (visual, _display_order, text_width):
        cached.cache_clear()


def _resolve_levels(types: list[str], chars: list[str], base_level: int) -> list[int]:
    """Resolved embedding level of each character (one level run at `base_level`)."""
    e = "R" if base_level % 2 else "L"
    n = len(types)
    types = list(types)
    # W1: a non-spacing mark takes the type of the character before it.
    prev = e
    for i, t in enumerate(types):
        if t == "NSM":
            types[i] = prev
        prev = types[i]
    # W2 and W3: European digits after Arabic letters are Arabic numbers; AL is R.
    last_strong = e
    for i, t in enumerate(types):
        if t in ("L", "R", "AL"):
            last_strong = t
        elif t == "EN" and last_strong == "AL":
            types[i] = "AN"
    types = ["R" if t == "AL" else t for t in types]
    # W4: one separator between two numbers of the same kind joins them.
    for i in range(1, n - 1):
        t, before, after = types[i], types[i - 1], types[i + 1]
        if t == "ES" and before == after == "EN":
            types[i] = "EN"
        elif t == "CS" and before == after and before in ("EN", "AN"):
            types[i] = before
    # W5: terminators (%, ₪, $) next to European digits become digits.
    i = 0
    while i < n:
        if types[i] == "ET":
            j = i
            while j < n and types[j] == "ET":
                j += 1
            if (i > 0 and types[i - 1] == "EN") or (j < n and types[j] == "EN"):
                types[i:j] = ["EN"] * (j - i)
            i = j
        else:
            i += 1
    # W6: remaining separators and terminators are neutral.
    types = ["ON" if t in ("ES", "ET", "CS") else t for t in types]
    # W7: European digits in a left-to-right context are L.
    last_strong = e
    for i, t in enumerate(types):
        if t in ("L", "R"):
            last_strong = t
        elif t == "EN" and last_strong == "L":
            types[i] = "L"
    _resolve_bracket_pairs(types, chars, e)
    _resolve_neutrals(types, e)
    # I1 and I2.
    levels = []
    for t in types:
        if base_level % 2 == 0:
            levels.append(base_level + (1 if t == "R" else 2 if t in ("AN", "EN") else 0))
        else:
            levels.append(base_level + (1 if t in ("L", "EN", "AN") else 0))
    # L1: trailing whitespace and separators go back to the paragraph level.
    original = [unicodedata.bidirectional(c) for c in chars]
    i = n - 1
    while i >= 0 and original[i] in ("WS", "S", "B", "BN"):
        levels[i] = base_level
        i -= 1
    for i, t in enumerate(original):
        if t in ("S", "B"):
            levels[i] = base_level
            j = i - 1
            while j >= 0 and original[j] in ("WS", "BN"):
                levels[j] = base_level
                j -= 1
    return levels


def _strong(t: str) -> str | None:
    """Strong direction for N0/N1: digits count as R."""
    if t == "L":
        return "L"
    if t in ("R", "EN", "AN"):
        return "R"
    return None


def _bracket_pairs(types: list[str], chars: list[str]) -> list[tuple[int, int]]:
    """BD16: matching bracket pairs, sorted by the opening bracket."""
    stack: list[tuple[str, int]] = []
    pairs = []
    for i, ch in enumerate(chars):
        if types[i] != "ON":
            continue
        if ch in _BRACKET_OPEN:
            if len(stack) == _MAX_BRACKET_DEPTH:
                break
            stack.append((_BRACKET_OPEN[ch], i))
        elif ch in _BRACKET_CLOSE:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == ch:
                    pairs.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    return sorted(pairs)


def _resolve_bracket_pairs(types: list[str], chars: list[str], e: str) -> None:
    """N0: both brackets of a pair take one direction, from inside or from before."""
    opposite = "L" if e == "R" else "R"
    for start, end in _bracket_pairs(types, chars):
        inside = {_strong(t) for t in types[start + 1:end]} - {None}
        if e in inside:
            direction = e
        elif opposite in inside:
            before = e
            for t in reversed(types[:start]):
                if _strong(t):
                    before = _strong(t)
                    break
            direction = opposite if before == opposite else e
        else:
            continue
        types[start] = types[end] = direction
        for k in (start + 1, end + 1):  # marks on a bracket follow it
            while k < len(types) and unicodedata.bidirectional(chars[k]) == "NSM":
                types[k] = direction
                k += 1


def _resolve_neutrals(types: list[str], e: str) -> None:
    """N1 and N2: neutrals between two strongs of one direction take it, else `e`."""
    n = len(types)
    i = 0
    while i < n:
        if types[i] not in _NEUTRAL:
            i += 1
            continue
        j = i
        while j < n and types[j] in _NEUTRAL:
            j += 1
        before = _strong(types[i - 1]) if i > 0 else e
        after = _strong(types[j]) if j < n else e
        direction = before if before == after and before else e
        types[i:j] = [direction] * (j - i)
        i = j


def _reorder(levels: list[int]) -> list[int]:
    """L2: indices in display order (reverse runs from the highest level down)."""
    order = list(range(len(levels)))
    highest = max(levels)
    lowest_odd = min(level for level in levels) | 1
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        n = len(order)
        while i < n:
            if levels[order[i]] >= level:
                j = i
                while j < n and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


# ---- wrapping ------------------------------------------------------------------------

@lru_cache(maxsize=16384)
def text_width(text: str, font: str, size: float) -> float:
    """Cached: wrapping measures every word, and letters share most of their words."""
    return stringWidth(strip_marks(text), font, size)


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines in logical order, each at most `width` points wide; '\\n' forces a break.

    A word longer than a line (a 300-character name without spaces) is cut by characters
    rather than overflowing the page. reportlab does not kern, so widths add up: each
    word is measured once.
    """
    space = stringWidth(" ", font, size)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current: list[str] = []
        current_width = 0.0
        for word in paragraph.split(" "):
            word_width = text_width(word, font, size)
            extra = word_width + (space if current else 0.0)
            if current_width + extra <= width:
                current.append(word)
                current_width += extra
                continue
            if current:
                lines.append(" ".join(current))
            current, current_width = [], 0.0
            while word_width > width:
                cut = _fitting_prefix(word, font, size, width)
                lines.append(word[:cut])
                word = word[cut:]
                word_width = text_width(word, font, size)
            current, current_width = [word], word_width
        lines.append(" ".join(current))
    return [line.strip() for line in lines]


def _fitting_prefix(word: str, font: str, size: float, width: float) -> int:
    """Length of the longest prefix of `word` that fits (at least one character)."""
    low, high = 1, len(word)
    while low < high:
        mid = (low + high + 1) // 2
        if text_width(word[:mid], font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return low


def shape(text: str, font: str, size: float, width: float, base: str = "R") -> list[str]:
    """Wrap, then reorder each line: the lines of a paragraph ready for drawing."""
    return [visual(line, base) for line in wrap(text, font, size, width)]


@lru_cache(maxsize=1)
def _hebrew_catalog():
    from models.common.i18n import load_catalog

    return load_catalog("he")


def in_hebrew(label: str) -> str:
    """`label` (a payment method, a letter kind, a channel …) as a document prints it:
    Hebrew whatever the interface language.

    A document is Hebrew, but its labels come from tables in models/ that may hold English
    msgids (N_) or a label already translated for the screen; the Hebrew catalog turns
    either back into Hebrew, and Hebrew text comes back unchanged.
    """
    return _hebrew_catalog().gettext(label) if label else label
