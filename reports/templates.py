"""Filling a letter template: the user's wording (models.letters.templates keeps it, with
its placeholders and their checks) with the values of one letter.

Filling is plain string substitution: no expressions, no attribute access, no format
specs, no code. A paragraph that comes out empty is dropped, so `{interest_sentence}`
disappears when no interest rate is set; a block placeholder alone on its line becomes a
("block", name) part for reports.letters to draw as a table or a box.

Public API:
    fill(text, values) -> FilledTemplate          subject + list of paragraphs / block names
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from models.letters.templates import BLOCKS, TOKEN, validate_template


_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")


@dataclass(frozen=True)
class FilledTemplate:
    subject: str
    # Each item is ("text", paragraph) or ("block", block name), in order.
    parts: list[tuple[str, str]]


def _substitute(line: str, values: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        token, name = match.group(0), match.group(1)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return str(values.get(name, ""))
    return TOKEN.sub(replace, line)


def fill(text: str, values: dict[str, str]) -> FilledTemplate:
    """Subject and paragraphs with the values in place. Values are inserted verbatim."""
    validate_template(text)
    lines = text.strip().split("\n")
    subject = _substitute(lines[0].strip(), values)
    parts: list[tuple[str, str]] = []
    paragraph: list[str] = []

    def flush() -> None:
        # an empty sentence placeholder leaves no double space behind
        joined = _SPACES.sub(" ", " ".join(p for p in paragraph if p)).strip()
        if joined:
            parts.append(("text", joined))
        paragraph.clear()

    for raw in lines[1:]:
        stripped = raw.strip()
        block = stripped[1:-1] if stripped.startswith("{") and stripped.endswith("}") else ""
        if block in BLOCKS and stripped == "{" + block + "}":
            flush()
            parts.append(("block", block))
        elif not stripped:
            flush()
        else:
            paragraph.append(_substitute(stripped, values).strip())
    flush()
    return FilledTemplate(subject, parts)
