"""A throwaway PostgreSQL cluster for the tests and the benchmarks: one folder, a local
socket inside it, no TCP port, trust for local connections, and durability off (it
holds nothing worth keeping).

    python tools/pg_cluster.py start FOLDER   # prints the server's URL
    python tools/pg_cluster.py stop FOLDER

PostgreSQL refuses to run as root: run as root, the cluster belongs to the 'postgres'
account Debian's package makes (or 'nobody'), started through runuser. The URL names the
cluster's superuser, who may create the test databases and the office roles.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import time
from pathlib import Path

SUPERUSER = "gvia_admin"
_CONFIG = """
listen_addresses = ''
unix_socket_directories = '{socket}'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 256MB
work_mem = 64MB
maintenance_work_mem = 256MB
max_wal_size = 4GB
jit = off
"""


class ClusterError(RuntimeError):
    """The server could not be found or started; the message says what to install."""


def server_bin(name: str) -> str:
    """A PostgreSQL program: from PATH, else Debian's versioned folder (newest first)."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(os.path.join(folder, name), os.X_OK):
            return os.path.join(folder, name)
    found = shutil.which(name)
    if found:
        return found
    raise ClusterError(f"PostgreSQL's {name} was not found: install the server "
                       "(Debian: apt-get install postgresql).")


def _account() -> str | None:
    """The unprivileged account to run the server as, or None to run it as ourselves."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise ClusterError("running as root, and no unprivileged account to run PostgreSQL")


def _run(account: str | None, *args: str) -> subprocess.CompletedProcess:
    cmd = list(args) if account is None else ["runuser", "-u", account, "--", *args]
    return subprocess.run(cmd, capture_output=True, text=True)


def url(folder: Path, dbname: str = "postgres") -> str:
    return f"postgresql://{SUPERUSER}@/{dbname}?host={folder / 'socket'}"


def start(folder: Path) -> str:
    """Start (making it first if needed) the cluster in `folder`; its URL."""
    folder = folder.resolve()
    data, socket = folder / "data", folder / "socket"
    account = _account()
    if not (data / "PG_VERSION").exists():
        socket.mkdir(parents=True, exist_ok=True)
        data.mkdir(parents=True, exist_ok=True)
        if account:
            shutil.chown(folder, account)
            for sub in (data, socket):
                shutil.chown(sub, account)
        done = _run(account, server_bin("initdb"), "-D", str(data), "-U", SUPERUSER,
                    "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        if done.returncode:
            raise ClusterError("initdb failed: " + done.stderr.strip())
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(_CONFIG.format(socket=socket))
    if not (socket / ".s.PGSQL.5432").exists():
        done = _run(account, server_bin("pg_ctl"), "-D", str(data), "-l",
                    str(folder / "server.log"), "-w", "-t", "60", "start")
        if done.returncode:
            log = (folder / "server.log").read_text(errors="replace")[-2000:]
            raise ClusterError("the PostgreSQL server did not start: " + log)
    deadline = time.monotonic() + 30
    while _run(account, server_bin("pg_isready"), "-h", str(socket)).returncode:
        if time.monotonic() > deadline:
            raise ClusterError("the PostgreSQL server does not answer on " + str(socket))
        time.sleep(0.2)
    return url(folder)


def stop(folder: Path) -> None:
    data = folder.resolve() / "data"
    if (data / "postmaster.pid").exists():
        _run(_account(), server_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop"):
        sys.exit(__doc__)
    try:
        if sys.argv[1] == "start":
            print(start(Path(sys.argv[2])))
        else:
            stop(Path(sys.argv[2]))
    except ClusterError as exc:
        sys.exit(str(exc))
