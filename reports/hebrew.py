"""Right-to-left text for PDFs: THE one place where Hebrew lines are wrapped and reordered.

reportlab draws glyphs left to right in the order it is given them, so every line must
reach it in *visual* order. The recipe:

1. join Arabic letters into their contextual forms (arabic-reshaper: initial, medial,
   final, isolated, lam-alef), in logical order, so widths are measured on what prints;
2. wrap the paragraph into lines in LOGICAL order, measuring with `stringWidth`
   (reordering first and wrapping after would reverse the order of the lines); an
   isolate cut by a line break is closed at the end of the line and opened again at the
   start of the next, so each line is balanced;
3. reorder each line on its own with the Unicode bidirectional algorithm, base direction
   right-to-left, mirroring brackets on right-to-left runs so `(ש"ח)` prints as `(ש"ח)`;
4. strip the invisible direction marks and isolates (Heebo draws U+200F as a glyph);
5. draw the result with `drawRightString` (or `drawString` for left-aligned cells).

Names, addresses, paths and sizes inside a sentence are wrapped in an isolate
(`isolate(text)`: U+2068 FSI … U+2069 PDI), so their own direction is decided by their
own first letter and their punctuation stays with them: `שלום ⁨Silverline Health Ltd.⁩,`
prints the period after `Ltd`, not at the far end of the line.

Public API:
    isolate(text) -> str                   FSI + text (its own controls removed) + PDI
    isolate_phrases(text, phrases) -> str  each occurrence of the phrases isolated
    visual(line, base="R") -> str          one line, logical -> visual, marks removed
    wrap(text, font, size, width) -> [str] logical-order lines that fit `width` points
    shape(text, font, size, width) -> [str] join + wrap + visual: lines ready to draw
    join_arabic(text) -> str               Arabic letters in their joined forms
    strip_controls(text) -> str            drop embedding/override/isolate controls
    clear_caches()                         forget reordered lines and widths (a cold start)
    in_hebrew(label) -> str                a label as a Hebrew document prints it

Step 3 is our own compact implementation of UAX #9 for a single paragraph with isolates
but without embeddings or overrides (X5a–X5c, X6a, X10 isolating run sequences, W1–W7,
N0 bracket pairs, N1–N2, I1–I2, L1, L2, L4). Why not python-bidi: its pure-Python
`bidi.algorithm.get_display` mirrors brackets but lacks the bracket-pair rule N0, so
`Acme Ltd (Israel) חייבת` comes out as `Acme Ltd (Israel(`; its Rust `get_display`
applies N0 and honours isolates but never mirrors, so `(ש"ח)` comes out as `)ש"ח(`; and
the pure-Python one costs ~0.4 ms a line, too slow for hundreds of letters a second.
The tests compare this module with the Rust implementation on random mixed strings,
isolates included (order), and with the pure-Python one (mirroring); python-bidi is a
test dependency only. The mirroring pairs are Unicode's (reports/mirroring.py, generated
by tools/build_mirroring.py). Embedding and
override controls (U+202A–202E) are dropped before reordering: they only ever reach us
in user data, where an RLO would turn the rest of a line around. Isolates are kept (an
unmatched one cannot reach outside its own line); `isolate()` removes any control from
the text it wraps, so only our own isolates shape a line.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth

from reports.mirroring import MIRRORED

# Embeddings, overrides and isolates: what `strip_controls` removes from user data.
_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Embeddings and overrides: removed before reordering (see module docstring).
_EMBEDDINGS = re.compile("[\u202a-\u202e]")
FSI, LRI, RLI, PDI = "\u2068", "\u2066", "\u2067", "\u2069"
_ISOLATE_TYPES = frozenset(("LRI", "RLI", "FSI", "PDI"))
_INITIATOR_TYPES = frozenset(("LRI", "RLI", "FSI"))
_MAX_DEPTH = 125  # BD2
# Everything invisible that must not reach the page once the order is settled.
_MARKS = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]")
_BRACKET_OPEN = {"(": ")", "[": "]", "{": "}", "\u2045": "\u2046", "\u207d": "\u207e",
                 "\u208d": "\u208e", "\u2329": "\u232a", "\u3008": "\u3009"}
_BRACKET_CLOSE = {v: k for k, v in _BRACKET_OPEN.items()}
_MAX_BRACKET_DEPTH = 63  # BD16: deeper nesting stops pairing
_NEUTRAL = frozenset(("B", "S", "WS", "ON", "LRI", "RLI", "FSI", "PDI"))
_RTL_TYPES = frozenset(("R", "AL"))
_LTR_TYPES = frozenset(("L", "EN", "AN", "LRE", "LRO", "LRI", "FSI", "B"))


# The order depends only on each character's bidi class, and on bracket pairs and mirroring,
# none of which tells one ASCII digit from another: `22/11/2026` and `01/06/2025` share
# one computed order, so the amounts, dates and numbers that differ between letters
# cost a lookup, not a run of the algorithm.
_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")


def strip_controls(text: str) -> str:
    return _CONTROLS.sub("", text)


def isolate(text: str | None) -> str:
    """`text` as an isolate (FSI … PDI): inside a sentence, it takes its direction from its
    own first strong letter and its punctuation stays with it. Controls inside `text` are
    removed first, so the isolate is balanced; empty text stays empty."""
    if not text:
        return text or ""
    return FSI + _CONTROLS.sub("", text) + PDI


@lru_cache(maxsize=64)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern | None:
    wanted = sorted({p for p in phrases if p and len(p) >= 3 and _needs_isolating(p)},
                    key=len, reverse=True)
    if not wanted:
        return None
    return re.compile("(?<!" + FSI + ")(?:" + "|".join(map(re.escape, wanted)) + ")")


def _needs_isolating(phrase: str) -> bool:
    """A phrase with a left-to-right letter or digit may be turned around by a Hebrew
    sentence; a purely Hebrew one reads the same either way."""
    return any(unicodedata.bidirectional(ch) in ("L", "EN", "AN") for ch in phrase)


def isolate_phrases(text: str, phrases: tuple[str, ...]) -> str:
    """`text` with every occurrence of the given phrases (a letter's names and addresses,
    as the letter's data holds them) isolated, unless already isolated. Phrases shorter
    than three characters, or with no left-to-right letter or digit, are left alone."""
    pattern = _phrase_pattern(phrases)
    if pattern is None or not text:
        return text
    return pattern.sub(lambda m: isolate(m.group(0)), text)


def strip_marks(text: str) -> str:
    return _MARKS.sub("", text)


class _Dropped(dict):
    """str.translate table that deletes the controls and the BN characters (zero width
    joiners, soft hyphens …) the algorithm ignores; filled per character first met."""

    def __missing__(self, code: int) -> int | None:
        ch = chr(code)
        kept = None if _EMBEDDINGS.match(ch) or unicodedata.bidirectional(ch) == "BN" else code
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
    if base_level == 1 and _LTR_TYPES.isdisjoint(types) and "PDI" not in types and "RLI" not in types:
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
    for cached in (visual, _display_order, text_width, join_arabic):
        cached.cache_clear()


def _resolve_levels(types: list[str], chars: list[str], base_level: int) -> list[int]:
    """Resolved embedding level of each character, L1 applied."""
    if _ISOLATE_TYPES.isdisjoint(types):
        e = "R" if base_level % 2 else "L"
        levels = _resolve_sequence(list(types), chars, base_level, e, e)
    else:
        levels = _resolve_isolates(types, chars, base_level)
    # L1: trailing whitespace (and isolates) and separators go back to the paragraph level.
    n = len(types)
    original = [unicodedata.bidirectional(c) for c in chars]
    trailing = ("WS", "S", "B", "BN", "LRI", "RLI", "FSI", "PDI")
    i = n - 1
    while i >= 0 and original[i] in trailing:
        levels[i] = base_level
        i -= 1
    for i, t in enumerate(original):
        if t in ("S", "B"):
            levels[i] = base_level
            j = i - 1
            while j >= 0 and original[j] in ("WS", "BN", "LRI", "RLI", "FSI", "PDI"):
                levels[j] = base_level
                j -= 1
    return levels


def _matching_pdis(types: list[str]) -> dict[int, int]:
    """BD9: each isolate initiator's matching PDI (initiators with none are left out)."""
    stack: list[int] = []
    matches: dict[int, int] = {}
    for i, t in enumerate(types):
        if t in _INITIATOR_TYPES:
            stack.append(i)
        elif t == "PDI" and stack:
            matches[stack.pop()] = i
        elif t == "B":
            stack.clear()
    return matches


def _first_strong_level(types: list[str], start: int, end: int) -> int:
    """P2–P3 on types[start:end], skipping nested isolates: 1 for R/AL first, else 0."""
    depth = 0
    for t in types[start:end]:
        if t in _INITIATOR_TYPES:
            depth += 1
        elif t == "PDI":
            if depth:
                depth -= 1
        elif depth == 0 and t == "L":
            return 0
        elif depth == 0 and t in ("R", "AL"):
            return 1
    return 0


def _resolve_isolates(types: list[str], chars: list[str], base_level: int) -> list[int]:
    """X5a–X5c, X6a, X10: explicit levels from the isolates, then the weak and neutral
    rules on each isolating run sequence with its own sos and eos."""
    n = len(types)
    matches = _matching_pdis(types)
    levels = [base_level] * n
    stack = [base_level]  # embedding levels of the open (valid) isolates, base first
    overflow = 0
    for i, t in enumerate(types):
        current = stack[-1]
        levels[i] = current
        if t in _INITIATOR_TYPES:
            end = matches.get(i, n)
            rtl = t == "RLI" or (t == "FSI" and _first_strong_level(types, i + 1, end) == 1)
            new = current + 1 + (current % 2 if rtl else current % 2 == 0)
            if new <= _MAX_DEPTH and overflow == 0:
                stack.append(new)
            else:
                overflow += 1
        elif t == "PDI":
            if overflow:
                overflow -= 1
            elif len(stack) > 1:
                stack.pop()
            levels[i] = stack[-1]
    # BD13: level runs, chained across an initiator and its matching PDI.
    runs: list[list[int]] = []
    start = 0
    for i in range(1, n + 1):
        if i == n or levels[i] != levels[start]:
            runs.append(list(range(start, i)))
            start = i
    run_starting_at = {run[0]: run for run in runs}
    matched_pdis = set(matches.values())
    resolved = list(levels)
    for run in runs:
        if run[0] in matched_pdis:
            continue  # continues the sequence of its initiator
        sequence = list(run)
        while sequence[-1] in matches:
            sequence.extend(run_starting_at[matches[sequence[-1]]])
        level = levels[sequence[0]]
        first, last = sequence[0], sequence[-1]
        before = levels[first - 1] if first > 0 else base_level
        after = base_level if last == n - 1 or types[last] in _INITIATOR_TYPES else levels[last + 1]
        sos = "R" if max(level, before) % 2 else "L"
        eos = "R" if max(level, after) % 2 else "L"
        seq_types = [types[i] for i in sequence]
        seq_levels = _resolve_sequence(seq_types, [chars[i] for i in sequence], level, sos, eos)
        for i, resolved_level in zip(sequence, seq_levels):
            resolved[i] = resolved_level
    return resolved


def _resolve_sequence(types: list[str], chars: list[str], level: int, sos: str,
                      eos: str) -> list[int]:
    """W1–W7, N0–N2, I1–I2 on one isolating run sequence at embedding level `level`."""
    e = "R" if level % 2 else "L"
    n = len(types)
    # W1: a non-spacing mark takes the type of the character before it (ON after an
    # isolate initiator or PDI).
    prev = sos
    for i, t in enumerate(types):
        if t == "NSM":
            types[i] = "ON" if prev in _ISOLATE_TYPES else prev
        prev = types[i]
    # W2 and W3: European digits after Arabic letters are Arabic numbers; AL is R.
    last_strong = sos
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
    last_strong = sos
    for i, t in enumerate(types):
        if t in ("L", "R"):
            last_strong = t
        elif t == "EN" and last_strong == "L":
            types[i] = "L"
    _resolve_bracket_pairs(types, chars, e, sos)
    _resolve_neutrals(types, e, sos, eos)
    # I1 and I2.
    if level % 2 == 0:
        return [level + (1 if t == "R" else 2 if t in ("AN", "EN") else 0) for t in types]
    return [level + (1 if t in ("L", "EN", "AN") else 0) for t in types]


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


def _resolve_bracket_pairs(types: list[str], chars: list[str], e: str, sos: str) -> None:
    """N0: both brackets of a pair take one direction, from inside or from before."""
    opposite = "L" if e == "R" else "R"
    for start, end in _bracket_pairs(types, chars):
        inside = {_strong(t) for t in types[start + 1:end]} - {None}
        if e in inside:
            direction = e
        elif opposite in inside:
            before = sos
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


def _resolve_neutrals(types: list[str], e: str, sos: str, eos: str) -> None:
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
        before = _strong(types[i - 1]) if i > 0 else sos
        after = _strong(types[j]) if j < n else eos
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

    Arabic letters are joined first (their joined forms are what prints, and what is
    measured). A word longer than a line (a 300-character name without spaces) is cut by
    characters rather than overflowing the page. reportlab does not kern, so widths add
    up: each word is measured once. An isolate that a break cuts is closed at the end of
    its first line and opened again, with the direction it resolved to, on the next.
    """
    text = join_arabic(text)
    if _ISOLATE_CHARS.search(text):
        text = _explicit_fsi(text)
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
    lines = [line.strip() for line in lines]
    return _balanced(lines) if _ISOLATE_CHARS.search(text) else lines


_ISOLATE_CHARS = re.compile("[\u2066-\u2069]")


def _explicit_fsi(text: str) -> str:
    """Each FSI replaced by the LRI or RLI it resolves to on the whole text, so a line
    holding only the end of an isolate keeps the isolate's direction."""
    if FSI not in text:
        return text
    types = [unicodedata.bidirectional(c) for c in text]
    matches = _matching_pdis(types)
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch == FSI:
            rtl = _first_strong_level(types, i + 1, matches.get(i, len(types))) == 1
            chars[i] = RLI if rtl else LRI
    return "".join(chars)


def _balanced(lines: list[str]) -> list[str]:
    """Close the isolates still open at the end of each line, and open them again at
    the start of the next (unmatched PDIs are left as they are: the algorithm ignores them)."""
    out = []
    carried: list[str] = []
    for line in lines:
        opened = list(carried)
        for ch in line:
            if ch in (LRI, RLI, FSI):
                opened.append(ch)
            elif ch == PDI and opened:
                opened.pop()
        out.append("".join(carried) + line + PDI * len(opened))
        carried = opened
    return out


_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


@lru_cache(maxsize=1)
def _reshaper():
    import arabic_reshaper

    return arabic_reshaper.ArabicReshaper()


@lru_cache(maxsize=4096)
def join_arabic(text: str) -> str:
    """Arabic letters in their contextual (joined) forms, still in logical order.

    reportlab draws one glyph per character and knows no Arabic shaping, so each letter
    is replaced by its initial, medial, final or isolated presentation form (and lam-alef
    by its ligature) before wrapping and reordering; the forms are right-to-left letters
    like the ones they replace. Vowel marks are dropped: without glyph positioning they
    would print beside their letter. Text without Arabic comes back unchanged.
    """
    if not _ARABIC.search(text):
        return text
    return _reshaper().reshape(text)





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
    """Join (Arabic), wrap, then reorder each line: the lines of a paragraph ready for drawing."""
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
