"""Command-line outputs never land on what matters, and bad arguments are one line.

`--out` of aging, letters and backup is refused when it reaches the ledger (however the
path is spelled), its side files or its backups; an existing file is replaced only with
--force; every file written is owner-only. Dates, bucket boundaries and demo sizes out of
range exit 2 with one Hebrew line, never a traceback.
"""
import datetime as dt
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import main
from models.db.backup import backup_dir
from models.db.opening import open_database
from models.ledger import services
from models.letters.archive import Letter

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-22"


@pytest.fixture
def ledger(tmp_path):
    """A ledger with debts, and one backup in its backups folder."""
    path = tmp_path / "gvia.db"
    with open_database(path) as opened:
        acme = services.add_client(name='כהן ובניו בע"מ', kind="company")
        services.add_invoice(acme.id, "100", dt.date(2026, 8, 1), "1500")
        other = services.add_client(name="לוי שירותים", kind="company")
        services.add_invoice(other.id, "101", dt.date(2026, 9, 1), "800")
        from models.db.backup import backup_database

        backup_database(opened.db, opened.path)
    return path


def cli(capsys, *args) -> tuple[int, str]:
    """Run main.main in this process: (exit code, stderr)."""
    try:
        code = main.main([str(a) for a in args])
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    return code, capsys.readouterr().err


def one_line_error(code: int, err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, err
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("שגיאה:"), err
    return lines[0]


def ledger_is_intact(path: Path) -> None:
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM client").fetchone()[0] == 2
    finally:
        conn.close()


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


# ---- the user review's case, in a real process ------------------------------------------

def test_aging_out_onto_the_database_is_refused_and_the_ledger_kept(ledger):
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "aging", "--db", str(ledger),
                             "--format", "csv", "--out", str(ledger), "--force"],
                            capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
                            timeout=60)
    line = one_line_error(result.returncode, result.stderr)
    assert "מסד הנתונים" in line
    ledger_is_intact(ledger)


# ---- every spelling of the ledger -------------------------------------------------------

def spellings(ledger: Path) -> dict[str, Path]:
    folder = ledger.parent
    (folder / "sub").mkdir()
    symlink = folder / "report-link.csv"
    symlink.symlink_to(ledger)
    # (A hard link of the ledger is refused too — tests/db/test_private_files.py — but
    # the database will not even open while it has a second name.)
    return {
        "the file": ledger,
        "dot-dot": folder / "sub" / ".." / ledger.name,
        "symlink": symlink,
        "letter case": folder / ledger.name.upper(),
        "wal": Path(f"{ledger}-wal"),
        "shm": Path(f"{ledger}-shm"),
        "lock": Path(f"{ledger}.lock"),
        "open marker": Path(f"{ledger}.open"),
        "an existing backup": next(backup_dir(ledger).glob("*.db")),
        "a new file in backups": backup_dir(ledger) / "report.csv",
    }


@pytest.mark.parametrize("command", ["aging", "letters"])
def test_every_spelling_of_the_ledger_or_its_backups_is_refused(ledger, capsys, command):
    before = {p: p.read_bytes() for p in [ledger, *backup_dir(ledger).iterdir()]}
    for name, target in spellings(ledger).items():
        extra = (["--kind", "statement", "--all", "--as-of", AS_OF] if command == "letters"
                 else ["--as-of", AS_OF])
        code, err = cli(capsys, command, "--db", ledger, *extra, "--out", target, "--force")
        line = one_line_error(code, err)
        assert "מסד הנתונים" in line or "הגיבויים" in line, (name, line)
    for path, data in before.items():
        assert path.read_bytes() == data
    assert sorted(p.name for p in backup_dir(ledger).iterdir()) == sorted(
        p.name for p in before if p.parent == backup_dir(ledger))
    ledger_is_intact(ledger)
    with open_database(ledger):
        assert Letter.select().count() == 0  # refused before any letter was archived


# ---- an existing file needs --force -----------------------------------------------------

def test_aging_replaces_an_existing_file_only_with_force(ledger, tmp_path, capsys):
    out = tmp_path / "report.csv"
    out.write_text("my own notes")
    line = one_line_error(*cli(capsys, "aging", "--db", ledger, "--as-of", AS_OF, "--out", out))
    assert "כבר קיים" in line and "--force" in line
    assert out.read_text() == "my own notes"

    assert cli(capsys, "aging", "--db", ledger, "--as-of", AS_OF, "--out", out, "--force")[0] == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfclient_id,")
    assert private(out)
    assert [p.name for p in tmp_path.glob("*.part")] == []  # the temporary file is gone


def test_letters_out_needs_force_and_archives_nothing_when_refused(ledger, tmp_path, capsys):
    out = tmp_path / "letters.pdf"
    out.write_bytes(b"an older batch")
    args = ["letters", "--db", ledger, "--kind", "statement", "--all", "--as-of", AS_OF,
            "--out", out]
    line = one_line_error(*cli(capsys, *args))
    assert "כבר קיים" in line
    assert out.read_bytes() == b"an older batch"
    with open_database(ledger):
        assert Letter.select().count() == 0
    assert not list((tmp_path / "letters").glob("*.pdf"))

    assert cli(capsys, *args, "--force")[0] == 0
    assert out.read_bytes().startswith(b"%PDF") and private(out)
    archived = list((tmp_path / "letters").glob("*.pdf"))
    assert len(archived) == 1 and private(archived[0])
    assert stat.S_IMODE((tmp_path / "letters").stat().st_mode) == 0o700


def test_backup_out_never_replaces_a_backup_and_other_files_only_with_force(ledger, tmp_path,
                                                                            capsys):
    existing_backup = next(backup_dir(ledger).glob("*.db"))
    kept = existing_backup.read_bytes()
    elsewhere = tmp_path / "copy-of-backup.db"
    os.link(existing_backup, elsewhere)
    for target in (existing_backup, elsewhere, ledger):
        line = one_line_error(*cli(capsys, "backup", "--db", ledger, "--out", target, "--force"))
        assert "גיבוי" in line or "מסד הנתונים" in line, line
    assert existing_backup.read_bytes() == kept
    ledger_is_intact(ledger)

    mine = tmp_path / "notes.db"
    mine.write_text("not a backup")
    assert "כבר קיים" in one_line_error(*cli(capsys, "backup", "--db", ledger, "--out", mine))
    assert mine.read_text() == "not a backup"
    assert cli(capsys, "backup", "--db", ledger, "--out", mine, "--force")[0] == 0
    assert mine.read_bytes().startswith(b"SQLite format 3\x00")

    new_backup = backup_dir(ledger) / "before-the-audit.db"
    assert cli(capsys, "backup", "--db", ledger, "--out", new_backup)[0] == 0
    assert new_backup.read_bytes().startswith(b"SQLite format 3\x00")


def test_out_into_a_folder_or_a_missing_folder_is_one_line(ledger, tmp_path, capsys):
    for target in (tmp_path, tmp_path / "no-such-folder" / "a.csv"):
        for command in (["aging"], ["letters", "--kind", "statement", "--all"], ["backup"]):
            line = one_line_error(*cli(capsys, *command, "--db", ledger, "--out", target))
            assert "תיקייה" in line, line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes")
def test_a_device_or_pipe_is_never_replaced(ledger, tmp_path, capsys):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    line = one_line_error(*cli(capsys, "aging", "--db", ledger, "--out", pipe, "--force"))
    assert "אינו קובץ רגיל" in line
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)  # still the pipe, not a regular file


def test_the_names_of_the_data_folders_are_refused(ledger, tmp_path, capsys):
    """A file named like the backups or letters folder would keep it from being made."""
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    db = fresh / "gvia.db"
    with open_database(db):
        pass
    for command, name in (("backup", "backups"), ("aging", "letters"),
                          ("aging", "attachments")):
        line = one_line_error(*cli(capsys, command, "--db", db, "--out", fresh / name,
                                   "--force"))
        assert "שמור" in line, line
        assert not (fresh / name).exists()


# ---- arguments --------------------------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (["aging", "--as-of", "0001-01-01"], "מחוץ לטווח"),
    (["aging", "--as-of", "9999-12-31"], "מחוץ לטווח"),
    (["aging", "--as-of", "1989-12-31"], "1990-01-01"),
    (["today", "--as-of", "2101-01-01"], "2100-12-31"),
    (["letters", "--kind", "reminder", "--all", "--out", "x.pdf", "--as-of", "0001-01-01"],
     "מחוץ לטווח"),
    (["demo", "--as-of", "9999-12-31"], "מחוץ לטווח"),
    (["aging", "--buckets", "123456789012345678901234567890"], "גבולות הגיול"),
    (["aging", "--buckets", "30,60,36501"], "36,500"),
    (["aging", "--buckets", ",".join(str(n) for n in range(1, 15))], "עד 12"),
    (["aging", "--buckets=-30,60"], "גבולות הגיול"),
    (["aging", "--buckets", "60,30"], "בסדר עולה"),
    (["demo", "--clients", "99999999999999999999"], "מחוץ לטווח"),
    (["demo", "--clients", "-1"], "מחוץ לטווח"),
    (["demo", "--invoices", "20000001"], "מחוץ לטווח"),
    (["demo", "--invoices", "many"], "אינו מספר"),
    (["demo", "--seed", "x"], "אינו מספר"),
    (["backup", "--out"], "--out"),
    (["letters", "--kind", "reminder", "--all"], "--out"),
    (["restore"], "--from"),
    (["letters", "--kind", "reminder", "--client", "9" * 30, "--out", "x.pdf"], "ארוך מדי"),
])
def test_bad_arguments_are_one_line_and_exit_2(tmp_path, capsys, args, words):
    fresh = tmp_path / "fresh.db"
    code, err = cli(capsys, *args, "--db", fresh)
    assert words in one_line_error(code, err)
    assert not fresh.exists()  # refused before the database was even created


def test_boundary_dates_and_buckets_are_accepted(ledger, capsys):
    for as_of in ("1990-01-01", "2100-12-31"):
        assert cli(capsys, "aging", "--db", ledger, "--as-of", as_of)[0] == 0
    assert cli(capsys, "aging", "--db", ledger, "--as-of", AS_OF,
               "--buckets", "30,365,36500")[0] == 0
    assert cli(capsys, "today", "--db", ledger, "--as-of", "2100-12-31")[0] == 0
