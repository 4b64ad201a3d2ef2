"""kill -9 during a backup, a restore and a migration: the ledger stays whole (the old
state or the new one, never a mix), no finished-looking backup is half a copy, and the
next start leaves no unfinished copies behind."""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import peewee
from playhouse.migrations import Runner

from models.db.backup import backup_database, list_backups
from models.db.connection import (
    APPLICATION_ID,
    MIGRATIONS_DIR,
    database,
    schema_version,
)
from models.db.opening import open_database
from models.ledger import services
from models.ledger.clients import Client

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 6


def make_ledger(path: Path, clients: int, prefix: str = "לקוח") -> None:
    with open_database(path), database.atomic():
        for n in range(clients):
            services.add_client(name=f"{prefix} {n}", notes="הערה " * 400)


def names_and_health(path: Path) -> tuple[int, set[str]]:
    """Opens the ledger as the app would after the crash (sweep included)."""
    with open_database(path) as opened:
        assert opened.db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        prefixes = {c.name.rsplit(" ", 1)[0] for c in Client.select()}
        return Client.select().count(), prefixes


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.part")]


def run(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), *map(str, command)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def duration(command: list[str]) -> float:
    """How long the command takes uninterrupted: the kills fall inside that time."""
    start = time.perf_counter()
    child = run(command)
    child.wait(timeout=120)
    assert child.returncode == 0, child.stderr.read()
    return time.perf_counter() - start


def kill_somewhere(command: list[str], rng: random.Random, latest: float) -> int | None:
    child = run(command)
    time.sleep(rng.uniform(0.05, latest))
    if child.poll() is None:
        os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=60)
    return child.returncode


def test_kill_9_during_backup(tmp_path):
    rng = random.Random(int.from_bytes(os.urandom(4), "little"))
    path = tmp_path / "gvia.db"
    make_ledger(path, 3000)
    took = duration(["backup", "--db", path, "--out", tmp_path / "first.db"])
    for n in range(ROUNDS):
        out = tmp_path / f"copy-{n}.db"
        code = kill_somewhere(["backup", "--db", path, "--out", out], rng, took)
        if out.exists():  # a backup under its own name is always whole
            conn = sqlite3.connect(out)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT count(*) FROM client").fetchone()[0] == 3000
            conn.close()
        else:
            assert code != 0
        assert names_and_health(path) == (3000, {"לקוח"})
        assert leftovers(tmp_path) == []


def test_kill_9_during_restore(tmp_path):
    rng = random.Random(int.from_bytes(os.urandom(4), "little"))
    path = tmp_path / "gvia.db"
    make_ledger(path, 3000, prefix="ישן")
    other = tmp_path / "other.db"
    make_ledger(other, 2000, prefix="חדש")
    backup = tmp_path / "to-restore.db"
    with open_database(other) as opened:
        backup_database(opened.db, other, dest=backup)
    took = duration(["restore", "--db", other, "--from", backup])
    for _ in range(ROUNDS):
        kill_somewhere(["restore", "--db", path, "--from", backup], rng, took)
        state = names_and_health(path)
        assert state in [(3000, {"ישן"}), (2000, {"חדש"})], state
        assert leftovers(tmp_path) == []
        # the safety copies made before each attempt are whole backups
        for info in list_backups(path):
            conn = sqlite3.connect(info.path)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.close()


def _build_at(path: Path, target: str) -> None:
    db = peewee.SqliteDatabase(str(path))
    db.connect()
    Runner(db, directory=str(MIGRATIONS_DIR)).up(target=target)
    db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute_sql(f"PRAGMA user_version = {int(target[:4])}")
    db.execute_sql("PRAGMA journal_mode = wal")
    rows = [(n, f"לקוח {n}", f"לקוח {n}", "2026-01-01T00:00:00") for n in range(1, 20001)]
    db.connection().executemany(
        "INSERT INTO client (id, name, search_key, created_at) VALUES (?, ?, ?, ?)", rows)
    db.close()


def test_kill_9_during_migration(tmp_path):
    rng = random.Random(int.from_bytes(os.urandom(4), "little"))
    migrations = sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))
    path = tmp_path / "gvia.db"
    _build_at(tmp_path / "trial.db", migrations[0])
    took = duration(["today", "--db", tmp_path / "trial.db"])
    _build_at(path, migrations[0])
    for _ in range(ROUNDS):
        kill_somewhere(["today", "--db", path], rng, took)
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM client").fetchone()[0] == 20000
        conn.close()
    count, _ = names_and_health(path)  # the next start finishes the migration
    assert count == 20000
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    conn.close()
    assert leftovers(tmp_path) == []
    # repeated interrupted attempts keep one safety copy per version step, not one each
    reasons = [b.path.stem.split("-", 4)[-1] for b in list_backups(path)]
    assert len(reasons) == len(set(reasons))
