"""Every message the user reads is translatable, in every layer: screens (ui/), the domain
(models/), documents (reports/) and the command line (cli/, main.py).

- Strings are found the way translators find them: babel's extractor with the keywords
  `_`, `N_` and `ngettext`; each has a Hebrew translation with the same placeholders.
- No Hebrew string literal is left in the code outside what is meant to be Hebrew whatever
  the interface language: letter and document text (a letter is a Hebrew document), demo
  data, and input the app must recognise (Hebrew column headings, terms codes). Such a
  literal is either in a module of HEBREW_CONTENT or on a line that says `# hebrew: <why>`.
"""
import ast
import re
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from models.common import i18n

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("ui", "models", "reports", "cli")
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
HEBREW = re.compile("[\u0590-\u05ff]")

# Modules whose Hebrew literals are content, with the reason.
HEBREW_CONTENT = {
    "models/demo/words.py": "demo data: Hebrew names, streets and phrases",
    "models/demo/generator.py": "demo data",
    "models/demo/people.py": "demo data",
    "models/demo/settlements.py": "demo data",
    "reports/pdf.py": "the letter layout: letterhead, addressee, subject, signature",
    "reports/aging_pdf.py": "the printed aging report",
    "reports/case_file_pdf.py": "the printed case file",
    "reports/mailing.py": "address labels and their calibration page",
}


@lru_cache(maxsize=1)  # one extraction per test run
def source_messages() -> dict:
    """msgid (or (singular, plural)) -> first 'file:line' where it is used."""
    found = {}
    for folder in SOURCE_DIRS:
        for filename, lineno, message, _comments, _context in extract_from_dir(
                str(ROOT / folder), method_map=[("**.py", "python")],
                keywords={"_": None, "N_": None, "ngettext": (1, 2)}):
            found.setdefault(message, f"{folder}/{filename}:{lineno}")
    for lineno, _func, message, _comments in _extract_file(ROOT / "main.py"):
        found.setdefault(message, f"main.py:{lineno}")
    return found


def _extract_file(path: Path):
    from babel.messages.extract import extract_python

    with open(path, "rb") as fh:
        yield from extract_python(fh, {"_": None, "N_": None, "ngettext": (1, 2)}, [], {})


@lru_cache(maxsize=1)
def hebrew_translations() -> dict:
    """msgid -> translation (a tuple of forms for plurals), over all merged catalogs."""
    merged = {}
    for path in i18n.po_paths("he"):
        for message in i18n.read_catalog(path, "he"):
            if not message.id:
                continue
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if all(forms) and not message.fuzzy:
                key = message.id if isinstance(message.id, str) else message.id[0]
                merged[key] = forms
    return merged


def test_every_layer_has_strings_to_translate():
    places = {where.split("/")[0].split(":")[0] for where in source_messages().values()}
    assert {"ui", "models", "main.py"} <= places, places


def test_every_string_has_a_hebrew_translation():
    translations = hebrew_translations()
    missing = [f"{where}: {message!r}" for message, where in source_messages().items()
               if (message if isinstance(message, str) else message[0]) not in translations]
    assert not missing, "no Hebrew translation for:\n" + "\n".join(missing)


def test_translations_keep_the_placeholders():
    """A translation that drops or renames {amount} would crash `.format()` at run time."""
    translations = hebrew_translations()
    broken = []
    for message, where in source_messages().items():
        source = message if isinstance(message, str) else message[1]
        key = message if isinstance(message, str) else message[0]
        expected = set(PLACEHOLDER.findall(source))
        for form in translations.get(key, ()):
            # A singular form may leave {count} out ("חשבונית אחת"); nothing may be added.
            used = set(PLACEHOLDER.findall(form))
            if used - expected or (expected - used - {"count"}):
                broken.append(f"{where}: {form!r} vs {source!r}")
    assert not broken, "placeholders differ:\n" + "\n".join(broken)


def _python_files():
    files = [ROOT / "main.py"]
    for folder in SOURCE_DIRS:
        files += sorted((ROOT / folder).rglob("*.py"))
    return [f.relative_to(ROOT).as_posix() for f in files]


def hebrew_literals(relative: str) -> list[str]:
    """'line: text' of each Hebrew string literal that is not a docstring or marked."""
    source = (ROOT / relative).read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.body and isinstance(node.body[0], ast.Expr) \
                    and isinstance(node.body[0].value, ast.Constant):
                docstrings.add(id(node.body[0].value))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings and HEBREW.search(node.value):
            span = lines[node.lineno - 1:node.end_lineno]
            if not any("# hebrew:" in line for line in span):
                found.append(f"{node.lineno}: {node.value[:60]!r}")
    return found


@pytest.mark.parametrize("relative", [f for f in _python_files() if f not in HEBREW_CONTENT])
def test_no_untranslatable_hebrew(relative):
    found = hebrew_literals(relative)
    assert not found, f"{relative}: Hebrew not marked for translation:\n" + "\n".join(found)


def test_content_modules_exist():
    """An allowance for a module that moved or went away would hide nothing, silently."""
    assert all((ROOT / path).is_file() for path in HEBREW_CONTENT)
