"""Isolating names, addresses, paths and sizes on screen (display only, never stored).

Inside a right-to-left window a value written left to right (a Latin or Cyrillic name,
an address abroad, a file path, "568 KB") is reordered with the Hebrew around it: its
trailing punctuation jumps to the other end (".Silverline Health Ltd", "KB 568",
"tmp/backups/"). Each helper wraps the value in a Unicode isolate (FSI or LRI … PDI) so
it keeps its own order and cannot pull the neighbouring text across. Controls the value
itself carries are removed first, so the isolate is balanced. The PDF side does the same
with reports.hebrew.isolate.

Public API:
    isolate(text) -> str     FSI … PDI: the direction of the text's own first letter
    name_text(text) -> str   a name or an address: isolated unless purely right-to-left
    path_text(path) -> str   a file or folder path: always left to right
    size_text(text) -> str   a size or any number with its unit ("568 KB"), isolated
"""
from __future__ import annotations

import re
import unicodedata

FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"
_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _clean(text) -> str:
    return _CONTROLS.sub("", str(text))


def isolate(text) -> str:
    """`text` isolated with its own direction (first strong letter); empty stays empty."""
    if text is None or text == "":
        return ""
    return f"{FSI}{_clean(text)}{PDI}"


def name_text(text) -> str:
    """A name or an address as a screen shows it. Text with any left-to-right letter
    (Latin, Cyrillic, Greek) is isolated; Hebrew or Arabic text (with digits or not)
    reads the same either way and is returned as it is."""
    if not text:
        return text or ""
    text = str(text)
    if not any(unicodedata.bidirectional(ch) == "L" for ch in text):
        return text
    return isolate(text)


def path_text(path) -> str:
    """A path read left to right whatever it holds: `/tmp/backups` keeps its leading slash."""
    if path is None or str(path) == "":
        return ""
    return f"{LRI}{_clean(path)}{PDI}"


def size_text(text) -> str:
    """A size with its unit ("568 KB", "1.5 MB") kept in its own order: the unit's script
    decides (a Latin unit reads after the number to its right, a Hebrew one to its left)."""
    return isolate(text)
