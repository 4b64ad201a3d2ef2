"""1,000 letters over hostile client names: nothing fails, nothing becomes a link or an image,
names print literally, archive file names stay safe, progress and cancel work."""
import datetime as dt

from factory import HOSTILE_NAMES, add_clients, setup_business
from pdfcheck import links_and_images, page_count, pdf_text, words

from models.letters.archive import Letter, archive_dir
from reports.batch import produce_letters

AS_OF = dt.date(2026, 11, 22)


def test_thousand_hostile_letters(db, tmp_path):
    setup_business()
    names = [HOSTILE_NAMES[i % len(HOSTILE_NAMES)] + (f" {i}" if i >= len(HOSTILE_NAMES) else "")
             for i in range(1000)]
    ids = add_clients(names, invoices_each=2)
    seen = []
    out = tmp_path / "all.pdf"
    # Every client, whatever step the plan has reached (select_clients asks the plan).
    result = produce_letters("reminder", ids, AS_OF, out,
                             progress=lambda done, total: seen.append((done, total)))
    # a name no font here can print (stored before the check at entry) is left out, named
    unprintable = [i for i, n in zip(ids, names) if "😀" in n]
    assert len(unprintable) == 71
    assert [(c, "😀" in why) for c, _n, why in result.skipped] == [(i, True) for i in unprintable]
    assert result.written == 1000 - 71
    assert page_count(out) == result.pages == 929
    assert links_and_images(out) == (0, 0)
    assert Letter.select().count() == 929
    assert seen[-1][0] == seen[-1][1]
    text = pdf_text(out, 1, 4)
    # pdftotext swaps the outer '<' '>' of a Latin line inside a right-to-left page
    # (it mirrors back what the bidi algorithm mirrored); the page itself shows the
    # name exactly as typed, which test_names_are_drawn_literally checks on the shaping.
    assert "A<B Ltd" in text and "a href=x>click</a" in text and "img src=/etc/passwd" in text
    assert "\u202e" not in pdf_text(out, 4)  # the override is gone; 'evil' reads as typed
    assert "evil" in pdf_text(out, 4)


def test_single_letters_get_safe_archive_names(db):
    setup_business()
    ids = add_clients(["<a href=x>", "CON", "../../etc/passwd", "\u202eexe.pdf", "ש" * 200])
    for cid in ids:
        path = produce_letters("reminder", [cid], AS_OF, strict=True).archive_path
        assert path.parent == archive_dir()
        assert not set(path.name) & set('<>:"/\\|?*\u202e')
        assert len(path.name) < 120


def test_cancel_leaves_no_file_and_no_rows(db):
    setup_business()
    ids = add_clients([f"לקוח {i}" for i in range(60)])
    calls = []
    result = produce_letters("reminder", ids, AS_OF, is_cancelled=lambda: len(calls) > 0,
                             progress=lambda d, t: calls.append(d))
    assert result.cancelled and result.written == 0
    assert Letter.select().count() == 0
    assert not list(archive_dir().glob("*.pdf*")) if archive_dir().exists() else True


def test_names_are_drawn_literally():
    from reports.hebrew import visual

    for name in ("A<B Ltd", "<a href=x>click</a>", "<img src=/etc/passwd>"):
        assert visual(name) == name


def test_each_letter_of_a_batch_carries_its_own_client(db):
    # Shaped lines, their reorder (shared between lines that differ only in digits) and
    # their encoded PDF chunks are cached: a wrong key would print one client's name,
    # amounts or invoice numbers on another client's letter.
    setup_business()
    names = ["לקוח 4817 בע\"מ", "לקוח 5923 בע\"מ", "Acme 6071 Ltd", "Acme 7302 Ltd"]
    ids = add_clients(names, invoices_each=1)
    result = produce_letters("reminder", ids, AS_OF)
    assert result.pages == len(names)
    for page, (cid, name) in enumerate(zip(ids, names), start=1):
        tokens = set(words(pdf_text(result.archive_path, page)))
        assert {name.split()[1], f"{cid}-1"} <= tokens  # its name and its invoice number
        assert not {other.split()[1] for other in names if other != name} & tokens
        assert not {f"{other}-1" for other in ids if other != cid} & tokens
