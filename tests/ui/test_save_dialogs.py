"""Save dialogs: the ledger and its backups are refused after the dialog, a file the dialog
did not ask about (we added the suffix) is replaced only when the user agrees, saved files
are owner-only, and print files stay in the private print folder."""
import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from models.db.backup import backup_dir
from models.db.outputs import print_folder, remove_print_folder
from models.ledger import services
from ui.aging.aging_view import AgingView
from ui.background import wait_for_all
from ui.letters.pdf_preview import PdfPreview
from ui.widgets import dialogs

AS_OF = dt.date(2026, 11, 22)
POSIX = os.name == "posix"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def view(qtbot, db, client):
    services.add_invoice(client.id, "INV-1", dt.date(2026, 8, 5), "1000")
    widget = AgingView(db)
    qtbot.addWidget(widget)
    widget.set_as_of(AS_OF)
    with qtbot.waitSignal(widget.report_ready, timeout=5000):
        widget.refresh()
    yield widget
    wait_for_all()


@pytest.fixture
def questions(monkeypatch):
    """The replace question: answered by the test, each one recorded."""
    asked = []

    def answer(parent, title, text, yes_text=None):
        asked.append(text)
        return answer.reply
    answer.reply = False
    monkeypatch.setattr(dialogs, "confirm", answer)
    answer.asked = asked
    return answer


def link_to(target: Path, name: str) -> Path:
    """A name the dialog shows as an ordinary file, which is in fact `target`."""
    link = target.parent / name
    link.symlink_to(target)
    return link


def test_the_ledger_and_its_backups_are_refused_after_the_dialog(qtbot, view, db_path):
    ledger = db_path.read_bytes()
    backup_dir(db_path).mkdir()
    # (A bare "gvia.db" becomes "gvia.db.csv": our suffix alone keeps the ledger safe.)
    for chosen in (link_to(db_path, "aging.csv"), link_to(Path(f"{db_path}-wal"), "w.csv"),
                   backup_dir(db_path) / "aging.csv"):
        view.ask_save_path = lambda *args, target=chosen: str(target)
        with qtbot.waitSignal(view.failed, timeout=5000) as failed, \
                qtbot.assertNotEmitted(view.export_finished, wait=100):
            view.csv_button.click()
        assert "מסד הנתונים" in failed.args[0] or "הגיבויים" in failed.args[0]
    assert db_path.read_bytes()[:16] == ledger[:16] == b"SQLite format 3\x00"
    assert list(backup_dir(db_path).iterdir()) == []


def test_a_file_the_dialog_did_not_ask_about_is_replaced_only_when_agreed(qtbot, view, tmp_path,
                                                                          questions):
    existing = tmp_path / "report.csv"
    existing.write_text("my notes")
    view.ask_save_path = lambda *args: str(tmp_path / "report")  # we add ".csv"
    with qtbot.assertNotEmitted(view.export_finished, wait=200):
        view.csv_button.click()
    assert len(questions.asked) == 1 and "report.csv" in questions.asked[0]
    assert existing.read_text() == "my notes"

    questions.reply = True
    with qtbot.waitSignal(view.export_finished, timeout=5000):
        view.csv_button.click()
    assert existing.read_bytes().startswith(b"\xef\xbb\xbf")
    if POSIX:
        assert mode(existing) == 0o600


def test_the_dialog_s_own_answer_needs_no_second_question(qtbot, view, tmp_path, questions):
    existing = tmp_path / "aging.pdf"
    existing.write_bytes(b"old")
    view.ask_save_path = lambda *args: str(existing)  # the dialog asked about this name
    with qtbot.waitSignal(view.export_finished, timeout=10000):
        view.pdf_button.click()
    assert questions.asked == [] and existing.read_bytes().startswith(b"%PDF")


def test_the_print_file_is_private_and_goes_with_the_print_folder(qtbot, view):
    opened = []
    view.open_file = opened.append
    with qtbot.waitSignal(view.export_finished, timeout=10000):
        view.print_button.click()
    [path] = opened
    assert path.parent == print_folder()
    if POSIX:
        assert mode(path) == 0o600 and mode(path.parent) == 0o700
    remove_print_folder()  # what the app's exit does
    assert not path.exists()


def test_a_letter_copy_is_refused_on_the_ledger_and_private_elsewhere(qtbot, db, db_path,
                                                                      tmp_path):
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.show_pdf_bytes(_one_page_pdf(tmp_path), "letter.pdf")
    preview.ask_save_path = lambda suggested: str(link_to(db_path, "letter.pdf"))
    with qtbot.waitSignal(preview.failed, timeout=5000) as failed:
        assert preview.save_copy() is None
    assert "מסד הנתונים" in failed.args[0]
    assert db_path.read_bytes().startswith(b"SQLite format 3\x00")

    preview.ask_save_path = lambda suggested: str(tmp_path / "copy.pdf")
    saved = preview.save_copy()
    assert saved.read_bytes().startswith(b"%PDF")
    if POSIX:
        assert mode(saved) == 0o600


def test_the_contact_log_export_is_refused_on_the_ledger(qtbot, db, db_path, client,
                                                         monkeypatch):
    from ui.collection.timeline import ClientTimelineWidget

    shown = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text: shown.append(text))
    widget = ClientTimelineWidget(client.id)
    qtbot.addWidget(widget)
    widget.ask_save_path = lambda suggested: str(link_to(db_path, "log.csv"))
    assert widget.export_csv() is None
    assert len(shown) == 1 and "מסד הנתונים" in shown[0]
    assert db_path.read_bytes().startswith(b"SQLite format 3\x00")


def _one_page_pdf(folder: Path) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    path = folder / "page.pdf"
    canvas = Canvas(str(path))
    canvas.drawString(100, 700, "letter")
    canvas.save()
    return path.read_bytes()
