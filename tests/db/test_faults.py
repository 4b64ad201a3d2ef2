"""Faults of the disk and the file, on real files: each is named for what it is, and
nothing in the ledger changes.

Disk full is a real write limit (RLIMIT_FSIZE on a child process); the lock is a real
second connection holding BEGIN EXCLUSIVE; the damage is real bytes written into a file.
"""
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from models.common.errors import (
    DatabaseLockedError,
    DatabaseOpenError,
    DatabaseReadOnlyError,
)
from models.db import connection as dbmod
from models.db import opening as dbopen
from models.db.connection import database
from models.db.faults import LOCKED, READ_ONLY, StorageFault
from models.db.opening import open_database
from models.ledger import services
from models.ledger.clients import Client

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "main.py"


def cli(*args, preexec=None, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(MAIN), *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, preexec_fn=preexec)


def ledger_with_clients(path: Path, names=("לקוח א", "לקוח ב", "לקוח ג")) -> None:
    with open_database(path), database.atomic():
        for name in names:
            services.add_client(name=name)


def client_names(path: Path) -> list[str]:
    with open_database(path, read_only=True):
        return sorted(c.name for c in Client.select())


def assert_one_clear_line(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


@pytest.fixture
def quick_busy(monkeypatch):
    """Wait 0.2 s (not 5 s) for a lock held by another program."""
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setitem(dbmod.PRAGMAS, "busy_timeout", 200)


# ---- disk full ----------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A real file system of 3 MB (tmpfs), for the ledger to run out of room on.

    Mounting needs an administrator (CI runs as one). Elsewhere a per-process file-size
    limit stands in; SQLite then reports the refused write as an I/O error, which the
    tests accept as the true name of that fault.
    """
    point = tmp_path / "disk"
    point.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m,mode=0700", "tmpfs", str(point)],
        capture_output=True).returncode == 0
    yield point, mounted
    if mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _fill(folder: Path, leave: int) -> None:
    """Take all the room of the file system but `leave` bytes."""
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    (folder / "filler.bin").write_bytes(b"\0" * max(0, free - leave))


def _file_size_limit(limit: int):
    def apply():
        import resource
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a dead process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def _run_out_of_room(small_disk, *args, leave: int):
    point, mounted = small_disk
    if mounted:
        _fill(point, leave)
        return cli(*args), ("הדיסק מלא",)
    return cli(*args, preexec=_file_size_limit(leave)), ("בדיסק",)


def test_disk_full_during_an_import_is_named_and_changes_nothing(small_disk, tmp_path):
    path = small_disk[0] / "gvia.db"
    ledger_with_clients(path)
    before = client_names(path)
    clients = tmp_path / "clients.csv"
    rows = "\n".join(f"C{n},לקוח מיובא מספר {n} " + "ש" * 80 for n in range(20000))
    clients.write_text("external_id,name\n" + rows + "\n", encoding="utf-8")
    result, words = _run_out_of_room(small_disk, "import", "--db", path, "--clients", clients,
                                     leave=256 * 1024)
    assert_one_clear_line(result, *words)
    (small_disk[0] / "filler.bin").unlink(missing_ok=True)
    assert client_names(path) == before
    with open_database(path):
        assert dbmod.integrity_check() == []


def test_disk_full_while_writing_a_backup_is_named(small_disk):
    path = small_disk[0] / "gvia.db"
    ledger_with_clients(path, names=[f"לקוח {n} " + "נ" * 150 for n in range(600)])
    out = small_disk[0] / "copy.db"
    result, words = _run_out_of_room(small_disk, "backup", "--db", path, "--out", out,
                                     leave=16 * 1024)
    assert_one_clear_line(result, *words)
    assert not out.exists()
    assert not list(small_disk[0].glob("*.part"))


# ---- another program holds the file ---------------------------------------------------

def test_writer_open_waits_for_a_foreign_exclusive_lock_then_names_it(tmp_path, quick_busy):
    path = tmp_path / "gvia.db"
    ledger_with_clients(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseOpenError) as err:
            open_database(path)
        assert "נעול בידי תוכנה אחרת" in str(err.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    with open_database(path):  # once the other program lets go, it opens
        assert Client.select().count() == 3


@pytest.mark.sqlite_only  # a lock on the SQLite file
def test_a_write_while_a_foreign_program_holds_the_lock_is_named(db, quick_busy, db_path):
    services.add_client(name="קיים")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageFault) as err:
            services.add_client(name="לא ייכתב")
        assert err.value.kind == LOCKED
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert [c.name for c in Client.select()] == ["קיים"]
    services.add_client(name="עכשיו כן")  # the ledger works on
    assert Client.select().count() == 2


# ---- one writer, however the file is reached ------------------------------------------

HOLD_OPEN = """
    import sys, time
    sys.path.insert(0, {root!r})
    from models.db.opening import open_database
    opened = open_database(sys.argv[1])
    print("ready", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def held(tmp_path):
    """A ledger held open for writing by another process."""
    path = tmp_path / "gvia.db"
    ledger_with_clients(path)
    code = textwrap.dedent(HOLD_OPEN.format(root=str(ROOT)))
    child = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready", child.stderr.read()
    yield path, child
    child.kill()
    child.wait(timeout=30)


def test_second_writer_through_a_symlink_or_dotted_path_names_the_holder(held, tmp_path):
    path, child = held
    link = tmp_path / "link.db"
    link.symlink_to(path)
    (tmp_path / "sub").mkdir()
    for other in (link, tmp_path / "sub" / ".." / "gvia.db"):
        with pytest.raises(DatabaseLockedError) as err:
            open_database(other)
        message = str(err.value)
        assert f"תהליך {child.pid}" in message and "במחשב" in message and "מאז" in message


def test_no_side_file_holds_the_claim(held):
    path, _child = held
    beside = sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))
    assert beside == ["gvia.db", "gvia.db-shm", "gvia.db-wal"]
    with pytest.raises(DatabaseLockedError):
        open_database(path)


def test_a_hard_link_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "gvia.db"
    ledger_with_clients(path)
    link = tmp_path / "second-name.db"
    os.link(path, link)
    before = path.read_bytes()
    for name in (path, link):
        with pytest.raises(DatabaseOpenError) as err:
            open_database(name)
        assert "hard links" in str(err.value)
        with pytest.raises(DatabaseOpenError):
            open_database(name, read_only=True)
    assert path.read_bytes() == before
    assert not Path(str(link) + "-wal").exists()


def test_readers_run_while_the_app_writes(held):
    path, child = held
    for command in (["aging"], ["today"], ["check"], ["today", "--format", "json"]):
        result = cli(command[0], "--db", path, *command[1:])
        assert result.returncode == 0, (command, result.stderr)
        assert "פתוחה כעת לכתיבה" in result.stderr and str(child.pid) in result.stderr


# ---- read-only file and folder ---------------------------------------------------------

def test_read_only_file_stays_read_only_and_can_be_read(tmp_path):
    path = tmp_path / "gvia.db"
    ledger_with_clients(path)
    os.chmod(path, 0o444)
    before = path.read_bytes()
    with pytest.raises(DatabaseReadOnlyError) as err:
        open_database(path)
    assert "לקריאה בלבד" in str(err.value)
    assert_one_clear_line(cli("demo", "--db", path), "לקריאה בלבד")
    result = cli("aging", "--db", path)
    assert result.returncode == 0, result.stderr
    with open_database(path, read_only=True) as opened:
        assert opened.read_only
        with pytest.raises(StorageFault) as err:
            services.add_client(name="לא ייכתב")
        assert err.value.kind == READ_ONLY
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert path.read_bytes() == before


def test_read_only_folder_is_named_and_can_be_read(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    path = folder / "gvia.db"
    ledger_with_clients(path)
    os.chmod(folder, 0o555)
    try:
        with pytest.raises(DatabaseReadOnlyError) as err:
            open_database(path)
        assert "התיקייה" in str(err.value) and "לקריאה בלבד" in str(err.value)
        assert client_names(path) == ["לקוח א", "לקוח ב", "לקוח ג"]
    finally:
        os.chmod(folder, 0o755)


# ---- a foreign file is refused untouched -----------------------------------------------

def test_foreign_sqlite_file_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('shakshuka')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for read_only in (False, True):
        with pytest.raises(DatabaseOpenError) as err:
            open_database(path, read_only=read_only)
        assert "תוכנה אחרת" in str(err.value)
    assert path.read_bytes() == before  # still in rollback-journal mode, not WAL
    assert not Path(str(path) + "-wal").exists()


def test_a_device_or_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/zero")):
        result = cli("aging", "--db", target, timeout=20)
        assert_one_clear_line(result, "אינו קובץ רגיל")


# ---- damage ----------------------------------------------------------------------------

def test_damage_met_while_working_refuses_writes_until_a_restore(tmp_path, monkeypatch):
    path = tmp_path / "gvia.db"
    ledger_with_clients(path, names=[f"לקוח {n} " + "נ" * 150 for n in range(1200)])
    with open_database(path) as opened:
        from models.db.backup import backup_database
        good = backup_database(opened.db, opened.path)
    _garble_pages(path, start_fraction=0.5, count=6)
    monkeypatch.setattr(dbopen, "QUICK_CHECK_MAX_BYTES", 0)  # a big file: no scan at open
    with open_database(path):
        with pytest.raises(StorageFault) as err:
            list(Client.select().order_by(Client.name))
        assert "פגום" in str(err.value)
        with pytest.raises(StorageFault) as err:  # known damage: no write goes in any more
            services.add_client(name="לא ייכתב לקובץ פגום")
        assert "השינוי לא נשמר" in str(err.value)
    with pytest.raises(DatabaseOpenError) as err:  # known damage: checked in full, refused
        open_database(path)
    assert "בדיקת התקינות" in str(err.value) or "פגום" in str(err.value)
    result = cli("restore", "--db", path, "--from", good)
    assert result.returncode == 0, result.stderr
    assert len(client_names(path)) == 1200
    assert list((path.parent / "backups").glob("gvia.db.damaged-*")), "the damaged file is kept"


def _garble_pages(path: Path, *, start_fraction: float, count: int, seed: int = 7) -> None:
    import random
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    pages = path.stat().st_size // page
    first = int(pages * start_fraction)
    with open(path, "r+b") as fh:
        for n in range(first, min(pages, first + count)):
            fh.seek(n * page)
            fh.write(rng.randbytes(page))


@pytest.fixture(scope="session")
def big_ledger(tmp_path_factory) -> Path:
    """About 70 MB of real clients (long notes), made once per run."""
    path = tmp_path_factory.mktemp("big") / "gvia.db"
    note = "הערה ארוכה על הלקוח ועל ההתנהלות מולו. " * 250  # ~10 KB
    with open_database(path), database.atomic():
        for n in range(7000):
            services.add_client(name=f"לקוח גדול {n}", notes=note[:9000])
    assert path.stat().st_size > 60 * 1024 * 1024
    return path


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_bytes_in_a_big_ledger_never_crash_a_command(big_ledger, tmp_path, seed):
    import random
    rng = random.Random(seed)
    path = tmp_path / "gvia.db"
    path.write_bytes(big_ledger.read_bytes())
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        for _ in range(rng.randint(1, 40)):
            fh.seek(rng.randrange(0 if seed == 1 else 100, size - 4096))
            fh.write(rng.randbytes(rng.choice([1, 16, 4096])))
    commands = (["check"], ["aging"], ["today"], ["demo"],
                ["letters", "--kind", "reminder", "--all", "--out", tmp_path / "l.pdf"])
    for command in commands:
        result = cli(command[0], "--db", path, *command[1:], timeout=300)
        assert result.returncode in (0, 2), (command, result.stderr[-2000:])
        assert "Traceback" not in result.stderr, (command, result.stderr[-2000:])
