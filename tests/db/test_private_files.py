"""Files Gvia writes are owner-only, written whole or not at all, never over the ledger,
and what a crash leaves behind is swept at the next start (models.db.outputs)."""
import datetime as dt
import errno
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.common.errors import GviaError
from models.contact.contact_log import ContactAttachment, log_contact
from models.db.backup import backup_dir
from models.db.outputs import (
    OutputExists,
    check_output_path,
    print_folder,
    remove_print_folder,
    scratch_file,
    sweep_orphans,
    write_output,
)
from models.ledger import services
from models.letters.archive import Letter
from reports.batch import produce_letters

# Files on this computer's disk beside the ledger file (permissions, temporary names,
# crash leftovers): once, on SQLite. On a server the files are kept in the database.
pytestmark = pytest.mark.sqlite_only

AS_OF = dt.date(2026, 11, 22)
POSIX = os.name == "posix"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def age(path: Path, minutes: float = 10) -> Path:
    """Pretend the file was last written `minutes` ago."""
    then = time.time() - minutes * 60
    os.utime(path, (then, then))
    return path


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def debtors(db):
    ids = []
    for n in range(3):
        client = services.add_client(name=f"לקוח {n}", kind="company")
        services.add_invoice(client.id, f"INV-{n}", dt.date(2026, 8, 1), "1000")
        ids.append(client.id)
    return ids


# ---- write_output ----------------------------------------------------------------------

@pytest.mark.skipif(not POSIX, reason="Unix permissions")
def test_outputs_are_owner_only_and_replace_only_with_force(db, tmp_path):
    out = write_output(tmp_path / "report.csv", "שורה\r\n")
    assert out.read_bytes() == "שורה\r\n".encode("utf-8") and mode(out) == 0o600
    with pytest.raises(OutputExists):
        write_output(out, b"other")
    assert out.read_bytes() == "שורה\r\n".encode("utf-8")
    write_output(out, b"other", force=True)
    assert out.read_bytes() == b"other" and mode(out) == 0o600


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(db, tmp_path):
    out = tmp_path / "report.pdf"
    out.write_bytes(b"the good copy")

    def half_then_fail(partial: Path) -> None:
        partial.write_bytes(b"half a")
        raise RuntimeError("the PDF library broke")

    with pytest.raises(RuntimeError):
        write_output(out, half_then_fail, force=True)
    assert out.read_bytes() == b"the good copy"
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("gvia.db")] == [
        "report.pdf"]


@pytest.mark.parametrize("code, words", [
    (errno.ENOSPC, "אין מספיק מקום פנוי בדיסק"),
    (errno.EROFS, "לקריאה בלבד"),
    (errno.EACCES, "אין הרשאה"),
])
def test_disk_faults_get_their_true_name(db, tmp_path, code, words):
    out = tmp_path / "aging.xlsx"

    def disk_says_no(partial: Path) -> None:
        raise OSError(code, os.strerror(code))

    with pytest.raises(GviaError) as err:
        write_output(out, disk_says_no)
    assert words in str(err.value) and "aging.xlsx" in str(err.value)
    assert "\n" not in str(err.value)
    assert not out.exists() and not list(tmp_path.glob("*.part"))


# Root writes into any folder; CI runs as root, so the write is made by a child whose
# capability to override file permissions is dropped (util-linux's setpriv).
AS_A_USER = (["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
             if POSIX and os.geteuid() == 0 else [])


@pytest.mark.skipif(not POSIX, reason="Unix permissions")
def test_a_read_only_folder_is_named(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    code = ("import sys\n"
            "from models.common.errors import GviaError\n"
            "from models.db.outputs import write_output\n"
            "try:\n"
            f"    write_output({str(folder / 'a.csv')!r}, 'x')\n"
            "except GviaError as exc:\n"
            "    print(exc)\n"
            "    sys.exit(2)\n")
    try:
        result = subprocess.run([*AS_A_USER, sys.executable, "-c", code], capture_output=True,
                                text=True, timeout=60, cwd=Path(__file__).resolve().parents[2])
    finally:
        folder.chmod(0o700)
    assert result.returncode == 2, result.stderr
    assert "אין הרשאה" in result.stdout
    assert not list(folder.iterdir())


def test_a_hard_link_of_the_ledger_is_refused(db_path, tmp_path):
    from models.db.opening import open_database

    open_database(db_path).close()
    twin = tmp_path / "elsewhere.csv"
    os.link(db_path, twin)
    with pytest.raises(GviaError, match="מסד הנתונים"):
        check_output_path(twin, db_path, force=True)
    twin.unlink()


def test_archived_letters_and_attachments_are_never_replaced(db, debtors, tmp_path):
    result = produce_letters("statement", debtors, AS_OF)
    archived = result.archive_path.read_bytes()
    with pytest.raises(GviaError, match="בארכיון"):
        write_output(result.archive_path, b"an export", force=True)
    assert result.archive_path.read_bytes() == archived


# ---- the app's own folders ---------------------------------------------------------------

@pytest.mark.skipif(not POSIX, reason="Unix permissions")
def test_letters_attachments_and_dossiers_are_owner_only(db, debtors, tmp_path):
    from reports.dossier import write_dossier_pdf

    result = produce_letters("statement", debtors, AS_OF, out=tmp_path / "copy.pdf")
    assert mode(result.archive_path) == 0o600 and mode(result.archive_path.parent) == 0o700
    assert mode(tmp_path / "copy.pdf") == 0o600
    source = tmp_path / "receipt.txt"
    source.write_text("קבלה")
    entry = log_contact(debtors[0], dt.datetime(2026, 11, 20, 9, 0), "phone",
                        attachments=[source])
    stored = ContactAttachment.get(ContactAttachment.entry == entry.id).path()
    assert mode(stored) == 0o600
    assert mode(stored.parent) == 0o700 and mode(stored.parent.parent) == 0o700
    dossier = write_dossier_pdf(debtors[0], AS_OF, None)
    assert mode(dossier) == 0o600


def test_a_crash_leftover_at_the_next_attachment_name_does_not_block(db, debtors, tmp_path):
    source = tmp_path / "note.txt"
    source.write_text("the real one")
    first = log_contact(debtors[0], dt.datetime(2026, 11, 20, 9, 0), "phone")
    # The file a crashed attach left for the next entry id (its row was rolled back).
    leftover = (tmp_path / "attachments" / str(debtors[0]) / f"{first.id + 1}-1-note.txt")
    leftover.parent.mkdir(parents=True)
    leftover.write_text("half")
    entry = log_contact(debtors[0], dt.datetime(2026, 11, 21, 9, 0), "phone",
                        attachments=[source])
    stored = ContactAttachment.get(ContactAttachment.entry == entry.id).path()
    assert stored.read_text() == "the real one"


# ---- print files ------------------------------------------------------------------------

def test_print_files_live_in_a_private_folder_removed_at_exit(tmp_path):
    code = ("from models.db.outputs import print_file, write_output\n"
            "path = write_output(print_file('aging.pdf'), b'%PDF')\n"
            "print(path, flush=True)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert done.returncode == 0, done.stderr
    printed = Path(done.stdout.strip())
    assert printed.name == "aging.pdf"
    assert not printed.parent.exists()  # the whole folder went with the process

    with scratch_file("calibration.pdf") as path:
        path.write_bytes(b"%PDF")
        folder = path.parent
        if POSIX:
            assert mode(folder) == 0o700
    assert not path.exists()
    assert print_folder() == folder
    remove_print_folder()
    assert not folder.exists()


# ---- the sweep --------------------------------------------------------------------------

def test_sweep_removes_what_a_crash_left_and_nothing_else(db, db_path, debtors, tmp_path):
    from reports.dossier import write_dossier_pdf

    folder, letters = tmp_path, tmp_path / "letters"
    named = produce_letters("statement", debtors, AS_OF).archive_path
    dossier = write_dossier_pdf(debtors[0], AS_OF, None)
    source = tmp_path / "receipt.txt"
    source.write_text("קבלה")
    entry = log_contact(debtors[0], dt.datetime(2026, 11, 20, 9, 0), "phone",
                        attachments=[source])
    attached = ContactAttachment.get(ContactAttachment.entry == entry.id).path()
    labels = letters / f"{named.stem}_labels.pdf"
    labels.write_bytes(b"%PDF")
    backups = backup_dir(db_path)
    backups.mkdir()
    gone = dead_pid()
    # (path, minutes since it was last written)
    kept = [(named, 60), (dossier, 60), (attached, 60), (labels, 60),   # named by rows
            (letters / "my own scan.pdf", 60),                           # not our name
            (letters / "case-file-1-2026-11-22.pdf", 60),                # rebuilt on demand
            (letters / "2026-11-22_reminder_לקוח_9.pdf", 0),           # orphan, but too young
            (letters / f"x.pdf.gvia-abc123-{os.getpid()}.part", 0),      # a write under way
            (folder / "movie.mkv.part", 60),                             # a browser's download
            (folder / "report.csv.part", 60)]                            # not clearly ours
    removed = [(letters / "2026-11-21_statement_3-letters_101010.pdf", 10),
               (letters / "2026-11-21_statement_3-letters_101010_labels.pdf", 10),
               (letters / "2026-11-21_dossier_לקוח 0_1.pdf", 10),
               (letters / "2026-11-21_reminder_x_1.pdf.part", 10),
               (letters / f"y.pdf.gvia-abc123-{gone}.part", 0),             # its writer died
               (attached.parent / f"{entry.id + 5}-1-note.txt", 10),
               (attached.parent / f"{entry.id}-1-receipt.txt.gvia-q1-{gone}.part", 0),
               (backups / "gvia-20261121-auto.db.part", 10),
               (folder / "gvia-20261121-manual.db.part", 10),
               (folder / f"export.csv.gvia-zz9-{gone}.part", 0)]
    for path, minutes in kept + removed:
        if not path.exists():
            path.write_bytes(b"x")
        age(path, minutes)
    kept, removed = [p for p, _m in kept], [p for p, _m in removed]

    swept = sweep_orphans(db_path)

    assert sorted(swept) == sorted(removed)
    assert all(p.exists() for p in kept), [p for p in kept if not p.exists()]
    assert not any(p.exists() for p in removed)
    assert all(Path(letter.path).exists() for letter in Letter.select())
    assert sweep_orphans(db_path) == []


def test_sweep_of_a_stale_print_folder(tmp_path):
    import tempfile

    stale = Path(tempfile.mkdtemp(prefix=f"gvia-print-{dead_pid()}-"))
    (stale / "aging.pdf").write_bytes(b"%PDF")
    live = print_folder()
    try:
        swept = sweep_orphans(tmp_path / "gvia.db")
        assert stale in swept and not stale.exists()
        assert live.exists()
    finally:
        remove_print_folder()


def test_sweep_touches_nothing_when_the_rows_cannot_be_read(tmp_path):
    """A database it cannot read: no file counts as unnamed."""
    db_path = tmp_path / "gvia.db"
    db_path.write_bytes(b"not a database")
    (tmp_path / "letters").mkdir()
    letter = tmp_path / "letters" / "2026-11-21_statement_3-letters_101010.pdf"
    letter.write_bytes(b"%PDF")
    age(letter)
    assert sweep_orphans(db_path) == []
    assert letter.exists()
