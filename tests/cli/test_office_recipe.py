"""The README's recipe for a shared office, run as written against a real server: the
owner and the database made with PostgreSQL's own tools, then `gvia office` and `gvia
migrate`. Only what a test server needs is changed: its socket instead of the office's
server name, no password prompt (the test server trusts its socket), a password piped to
add-user, and names of its own (roles belong to the whole server)."""
from __future__ import annotations

import csv
import io
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tools import pg_cluster

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = ("dana", "yossi", "rina")


def recipe() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- office-recipe -->\s*```bash\n(.*?)```", text, re.S).group(1)
    return [shlex.split(line) for line in block.splitlines() if line.strip()]


def _socket(url: str) -> str:
    return re.search(r"host=([^&]+)", url).group(1)


def _aging_totals(db_arg: str, cwd: Path) -> list[list[str]]:
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "aging", "--db", db_arg,
                           "--as-of", "2026-11-22"], cwd=cwd, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    rows = list(csv.reader(io.StringIO(done.stdout.decode("utf-8-sig"))))
    return [row for row in rows if row[1] == "TOTAL"]


def test_the_readme_recipe_sets_up_an_office_and_moves_the_ledger(pg_server, tmp_path):
    suffix = f"_{tmp_path.name[-12:].lower()}".replace("-", "_")
    name = {person: person + suffix for person in PEOPLE}
    dbname = "gvia" + suffix
    socket = _socket(pg_server.url)
    owner_url = f"postgresql://{name['dana']}@/{dbname}?host={socket}"
    subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--db", "gvia.db",
                    "--clients", "12", "--invoices", "60", "--as-of", "2026-11-22"],
                   cwd=tmp_path, check=True, capture_output=True)

    for words in recipe():
        words = [name.get(w, w) for w in words]
        words = [owner_url if w == "postgresql://dana@office-server/gvia" else w
                 for w in words]
        words = [dbname if w == "gvia" and i == len(words) - 1 else w
                 for i, w in enumerate(words)]
        feed = None
        if words[:3] == ["sudo", "-u", "postgres"]:
            tool = [pg_cluster.server_bin(words[3]), *[w for w in words[4:]
                                                       if w != "--pwprompt"]]
            command = [*tool, "-h", socket, "-U", pg_cluster.SUPERUSER]
        else:
            assert words[0] == "gvia", words
            command = [sys.executable, str(ROOT / "main.py"), *words[1:]]
            if words[1:3] == ["office", "add-user"]:
                command.append("--password-stdin")
                feed = b"a-long-passphrase\n"
        done = subprocess.run(command, cwd=tmp_path, input=feed, capture_output=True)
        assert done.returncode == 0, (command, done.stderr.decode(errors="replace"))

    listed = subprocess.run([sys.executable, str(ROOT / "main.py"), "office", "users",
                             "--db", owner_url], capture_output=True, check=True)
    people = dict(line.split("\t") for line in listed.stdout.decode().splitlines())
    assert set(people) == {name["yossi"], name["rina"]}
    # The collector signs in and sees the same debts the file held.
    rina_url = owner_url.replace(name["dana"], name["rina"], 1)
    assert _aging_totals(rina_url, tmp_path) == _aging_totals("gvia.db", tmp_path)
