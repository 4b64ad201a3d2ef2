"""kill -9 while letters and attachments are written: the ledger stays sound, every row's
file is there and whole, and the sweep leaves no orphan and no `.part` behind."""
import datetime as dt
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from models.contact.contact_log import ContactAttachment
from models.db.connection import database, integrity_check
from models.db.opening import open_database
from models.db.outputs import sweep_orphans
from models.ledger import services
from models.letters.archive import Letter
from reports.batch import letters_command

CHILD = Path(__file__).with_name("kill9_letters_child.py")
ROUNDS = 6


def spawn(db_path: Path, out: Path, attachment: Path) -> subprocess.Popen:
    """A child that imports everything, then waits for "go" on stdin."""
    return subprocess.Popen([sys.executable, str(CHILD), str(db_path), str(out),
                             str(attachment)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def run_and_kill(child: subprocess.Popen, rng: random.Random) -> None:
    """Kill the child a random moment into a batch of letters or an attachment copy."""
    child.stdin.write("go\n")
    child.stdin.flush()
    aim = rng.choice(["letters", "attachment"])
    while True:
        line = child.stdout.readline()
        assert line, child.stderr.read()
        if line.startswith(aim) and not line.endswith(" 1\n"):  # the first may be slow
            break
    time.sleep(rng.uniform(0, 0.04))
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    for stream in (child.stdout, child.stderr, child.stdin):
        stream.close()


def age_everything(folder: Path, minutes: float = 10) -> None:
    """The next start comes a while later: nothing is still being written."""
    then = time.time() - minutes * 60
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def assert_sound(db_path: Path, out: Path, round_no: int, seed: int) -> None:
    where = f"round {round_no}, seed {seed}"
    folder = db_path.parent
    with open_database(db_path):
        assert integrity_check() == [], where
        for letter in Letter.select():
            data = letter.path.read_bytes()  # the row's file exists ...
            assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF"), where
        for row in ContactAttachment.select():
            assert hashlib.sha256(row.path().read_bytes()).hexdigest() == row.sha256, where
        named = {letter.file_path for letter in Letter.select()}
        stored = {row.stored_path for row in ContactAttachment.select()}
    age_everything(folder)
    sweep_orphans(db_path)
    parts = [p for p in folder.rglob("*.part") if p.parent != out.parent]
    assert not parts, (where, parts)
    assert {p.name for p in (folder / "letters").glob("*.pdf")} == named, where
    on_disk = {p.relative_to(folder).as_posix()
               for p in (folder / "attachments").rglob("*") if p.is_file()}
    assert on_disk == stored, where
    if out.exists():  # the copy was replaced whole, or not at all
        assert out.read_bytes().rstrip().endswith(b"%%EOF"), where


def test_kill_9_while_writing_letters_leaves_no_orphans(tmp_path):
    seed = int.from_bytes(os.urandom(4), "little")
    rng = random.Random(seed)
    db_path = tmp_path / "gvia.db"
    with open_database(db_path):
        with database.atomic():
            for n in range(40):
                client = services.add_client(name=f"לקוח {n}", kind="company")
                services.add_invoice(client.id, f"INV-{n}", dt.date(2026, 8, 1), "1200")
    out = tmp_path / "out" / "letters.pdf"
    out.parent.mkdir()
    attachment = tmp_path / "out" / "receipt.bin"
    attachment.write_bytes(os.urandom(2_000_000))
    upcoming = spawn(db_path, out, attachment)
    for round_no in range(ROUNDS):
        child = upcoming
        if round_no + 1 < ROUNDS:  # the next child imports while this round runs
            upcoming = spawn(db_path, out, attachment)
        run_and_kill(child, rng)
        assert_sound(db_path, out, round_no, seed)
    with open_database(db_path):
        assert Letter.select().count() >= ROUNDS * 40
        # The --out folder is the user's, not swept: a dead writer's temporary copy of
        # the file goes the next time the same file is written.
        letters_command(kind="statement", client=None, all_clients=True, out=out,
                        as_of=dt.date(2026, 11, 22), force=True)
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(["letters.pdf", "receipt.bin"])
