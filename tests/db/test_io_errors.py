"""Real I/O errors of the disk, on a ledger kept on a file system that can be told to fail.

The ledger lives on a FUSE mount (tests/db/faulty_fs.py) over a temporary folder; a switch
makes the reads or the writes of its files answer EIO, as a failing disk or an unplugged
drive does. Every command must then name an I/O error in one line — never a traceback,
never "damaged" for a file whose bytes are whole — and once the disk answers again the
ledger must be just as it was: nothing half-written.

Needs FUSE (Debian: fuse3, libfuse3-3; PyPI: mfusepy). Without it these tests fail, they
are not skipped: CI runs as root on a machine that has /dev/fuse.
"""
import contextlib
import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from models.db import connection as dbmod
from models.db.connection import database
from models.db.faults import IO_ERROR, StorageFault, as_fault, fault_kind
from models.db.opening import open_database
from models.ledger import services
from models.ledger.clients import Client
from models.queries.aging import aging_report, parse_buckets

sys.path.insert(0, str(Path(__file__).resolve().parent))
from faulty_fs import MountFailed, faulty_mount  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "main.py"
IO_MESSAGE = "שגיאת קלט/פלט בדיסק"
DAMAGED_WORD = "פגום"
AS_OF = dt.date(2026, 11, 22)
NAMES = ("לקוח א", "לקוח ב", "לקוח ג")


def cli(*args, timeout=30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(MAIN), *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


def io_line_problems(result: subprocess.CompletedProcess) -> list[str]:
    """What is wrong with how a command reported an I/O error (empty: nothing).

    Right is: exit 2, no traceback, stderr one line "שגיאה: ..." naming an I/O error,
    and no word of damage — the file's bytes are whole, the disk failed to read them.
    """
    problems = []
    lines = result.stderr.strip().splitlines()
    if "Traceback" in result.stderr:
        problems.append("a traceback")
    if result.returncode != 2:
        problems.append(f"exit {result.returncode}, not 2")
    if len(lines) != 1:
        problems.append(f"{len(lines)} lines on stderr, not 1")
    if not lines or not lines[0].startswith("שגיאה: "):
        problems.append("no line beginning 'שגיאה: '")
    if IO_MESSAGE not in result.stderr:
        problems.append(f"no '{IO_MESSAGE}'")
    if DAMAGED_WORD in result.stderr:
        problems.append(f"the file called damaged ('{DAMAGED_WORD}')")
    return problems


def assert_one_io_line(result: subprocess.CompletedProcess) -> None:
    problems = io_line_problems(result)
    assert not problems, (f"{'; '.join(problems)}. exit {result.returncode}, stderr "
                          f"(first 2000 characters):\n{result.stderr[:2000]}")


@pytest.fixture
def disk(tmp_path):
    """A FUSE mount over tmp_path/backing; yields its Faults (faults.point: the mount)."""
    try:
        with faulty_mount(tmp_path / "backing", tmp_path / "mnt") as faults:
            yield faults
    except MountFailed as exc:
        pytest.fail(f"FUSE could not be used: {exc}", pytrace=False)


def client_names(path: Path) -> list[str]:
    with open_database(path, read_only=True):
        return sorted(c.name for c in Client.select())


def assert_whole(path: Path, names: list[str]) -> None:
    """The ledger opens for writing, passes the full integrity check, holds `names`."""
    with open_database(path):
        assert dbmod.integrity_check() == []
        assert sorted(c.name for c in Client.select()) == sorted(names)
    assert not dbmod.is_marked_damaged(path)


def small_ledger(path: Path) -> list[str]:
    with open_database(path):
        for name in NAMES:
            services.add_client(name=name)
    return sorted(NAMES)


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory) -> Path:
    """A demo ledger of about 4 MB, made once: too big for a command to read only a page."""
    path = tmp_path_factory.mktemp("template") / "gvia.db"
    result = cli("demo", "--db", path, "--clients", 300, "--invoices", 6000, "--seed", 1,
                 "--as-of", AS_OF, timeout=120)
    assert result.returncode == 0, result.stderr
    assert path.stat().st_size > 2 * 1024 * 1024
    return path


# ---- writes fail ---------------------------------------------------------------------

WRITE_FAULTS = {
    # The whole disk stops writing: the first write of the command (its writer claim).
    "disk": dict(write=True),
    # The journal meets a bad region half-way through the import's one transaction.
    "journal": dict(write=True, beyond=256 * 1024, only=("gvia.db-wal",)),
}


@pytest.mark.parametrize("how", WRITE_FAULTS)
def test_import_on_a_disk_that_fails_to_write_is_named_and_changes_nothing(disk, tmp_path,
                                                                           how):
    path = disk.point / "gvia.db"
    before = small_ledger(path)
    clients = tmp_path / "clients.csv"
    rows = "\n".join(f"C{n},לקוח מיובא מספר {n} " + "ש" * 60 for n in range(4000))
    clients.write_text("external_id,name\n" + rows + "\n", encoding="utf-8")

    disk.fail(**WRITE_FAULTS[how])
    result = cli("import", "--db", path, "--clients", clients)
    injected = disk.injected()
    disk.off()

    assert injected["write"] > 0, injected  # the disk really refused a write
    assert_one_io_line(result)
    assert_whole(path, before)


def test_a_write_that_fails_in_process_raises_io_error_and_the_ledger_works_on(disk):
    path = disk.point / "gvia.db"
    before = small_ledger(path)
    with open_database(path):
        disk.fail(write=True)
        raised = None
        try:
            services.add_client(name="x")
        except Exception as exc:  # noqa: BLE001 - what it is, is asserted below
            raised = exc
        injected = disk.injected()
        disk.off()
        assert injected["write"] > 0, injected  # the disk really refused a write
        assert raised is not None, "add_client succeeded on a disk that failed every write"
        assert not database.obj.damaged
        assert sorted(c.name for c in Client.select()) == before  # nothing half-written
        services.add_client(name="y")  # the disk answers again: the same connection works on
        assert sorted(c.name for c in Client.select()) == sorted([*before, "y"])
    assert_whole(path, [*before, "y"])
    assert isinstance(raised, StorageFault) and raised.kind == IO_ERROR, (
        f"add_client raised {type(raised).__module__}.{type(raised).__name__}: {raised} "
        f"(fault_kind {fault_kind(raised)!r}), not StorageFault of kind {IO_ERROR!r}")
    assert IO_MESSAGE in str(raised)


# ---- reads fail ----------------------------------------------------------------------

READ_FAULTS = {
    # Nothing of the file can be read any more (a drive pulled out, a dead disk).
    "disk": lambda size: dict(read=True),
    # The second half of the file sits on bad sectors: the header and schema read fine.
    "region": lambda size: dict(read=True, beyond=size // 2, only=("gvia.db",)),
}


@pytest.mark.parametrize("how", READ_FAULTS)
@pytest.mark.parametrize("command", ["aging", "check"])
def test_a_disk_that_fails_to_read_is_named_an_io_error_not_damage(disk, big_ledger, command,
                                                                    how):
    path = disk.point / "gvia.db"
    shutil.copyfile(big_ledger, path)
    size = path.stat().st_size

    disk.fail(**READ_FAULTS[how](size))
    result = cli(command, "--db", path)  # a fresh process: nothing of the file is cached
    injected = disk.injected()
    disk.off()

    assert injected["read"] > 0, injected  # the disk really refused a read
    problems = io_line_problems(result)
    if dbmod.is_marked_damaged(path):
        problems.append("the file marked damaged (gvia.db.damaged)")
    again = cli(command, "--db", path)  # the disk answers again: so does the ledger
    if again.returncode != 0:
        problems.append(f"after the disk recovered: exit {again.returncode}, "
                        f"{again.stderr[:300]}")
    assert not problems, (f"{'; '.join(problems)}. exit {result.returncode}, stderr "
                          f"(first 2000 characters):\n{result.stderr[:2000]}")


def test_a_read_that_fails_in_process_is_an_io_error_and_not_damage(disk, big_ledger):
    path = disk.point / "gvia.db"
    shutil.copyfile(big_ledger, path)
    size = path.stat().st_size
    with open_database(path, read_only=True):  # a new connection: its page cache is empty
        disk.fail(read=True, beyond=size // 2, only=("gvia.db",))
        raised = None
        try:
            aging_report(AS_OF, parse_buckets(None))  # reads the whole ledger
        except Exception as exc:  # noqa: BLE001 - what it is, is asserted below
            raised = exc
        # The report reads through the raw sqlite3 connection, so what it raises need not
        # be a StorageFault yet; the project's naming of it, while the disk still fails
        # (as the command line and the screens name it), must say I/O error, not damage.
        named = raised if isinstance(raised, StorageFault) else as_fault(raised, path)
        injected = disk.injected()
        disk.off()
        assert injected["read"] > 0, injected  # the disk really refused a read
        assert raised is not None, "the report was made from pages the disk could not read"
        assert not database.obj.damaged, "an I/O error made the ledger refuse writes"
        assert Client.select().count() == 300  # the disk answers again: so does the ledger
        aging_report(AS_OF, parse_buckets(None))
    assert not dbmod.is_marked_damaged(path), "an I/O error marked the file damaged"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert named is not None and named.kind == IO_ERROR, (
        f"the report raised {type(raised).__module__}.{type(raised).__name__}: {raised}; "
        f"as_fault names it {getattr(named, 'kind', None)!r}, not {IO_ERROR!r}")
