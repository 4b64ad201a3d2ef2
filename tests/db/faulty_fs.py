"""A real file system whose disk can be told to fail: FUSE, passing through to a folder.

    with faulty_mount(backing, point) as faults:
        ...                                   # point/ shows backing/, all works
        faults.fail(write=True)               # from now on every write and fsync is EIO
        faults.fail(read=True, beyond=2**20, only=("gvia.db",))  # a bad region of one file
        faults.off()

The file system runs in a child process (`python faulty_fs.py SERVE BACKING POINT`, on
libfuse 3 through mfusepy), so a test that reads or writes the mount never shares a GIL
or a lock with the code that answers it. The test talks to it over a pipe, one JSON line
each way, with a timeout on every answer. Unmounting is sure: the test unmounts
(fusermount3 -u, then umount -l) and ends the child whatever the test did; the child
unmounts itself too if the test process goes away.

Only data is faulted — read, write, truncate, fsync — never names (create, unlink,
rename, chmod): a disk that fails to read or write a sector still lists its files. The
-shm file SQLite maps into memory is left alone by default: a failed read of mapped
memory is a SIGBUS, not an error SQLite can report. Files other than -shm bypass the
kernel's page cache (direct_io), so each read and write the program makes reaches the
file system and can fail here, however warm the cache.

Needs: the Debian packages fuse3 and libfuse3-3, and mfusepy from PyPI.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

READY_TIMEOUT = 5.0  # seconds for the mount to come up
ANSWER_TIMEOUT = 5.0  # seconds for the file system to answer one command
UNMOUNT_TIMEOUT = 3.0

INSTALL_HINT = ("FUSE is needed for this test: apt-get install fuse3 libfuse3-3 "
                "(and /dev/fuse), pip install mfusepy")


class MountFailed(RuntimeError):
    pass


# ---- the side of the test ----------------------------------------------------------------

class Faults:
    """Switches the faults of a mounted file system (see faulty_mount)."""

    def __init__(self, child: subprocess.Popen, point: Path):
        self._child = child
        self.point = point

    def fail(self, *, read: bool = False, write: bool = False, beyond: int = 0,
             only: tuple[str, ...] | None = None, skip: tuple[str, ...] = ("-shm",)) -> None:
        """From now on, reads and/or writes of file data answer EIO.

        `beyond`: only operations that touch bytes at or past this offset fail (a bad
        region at the end of a file); with 0, every one does, and so do truncate and
        fsync; with more, an fsync fails only after a write to that file failed.
        `only`: file names (their ends) that fail; default every file but `skip`.
        """
        self._ask({"cmd": "set", "read": read, "write": write, "beyond": beyond,
                   "only": list(only) if only else None, "skip": list(skip)})

    def off(self) -> None:
        self.fail()

    @contextlib.contextmanager
    def failing(self, **how):
        self.fail(**how)
        try:
            yield self
        finally:
            self.off()

    def injected(self) -> dict[str, int]:
        """How many operations answered EIO, by kind (read, write, truncate, fsync)."""
        return self._ask({"cmd": "stats"})

    def reset_counts(self) -> None:
        self._ask({"cmd": "reset"})

    def _ask(self, request: dict) -> dict:
        if self._child.poll() is not None:
            raise MountFailed(f"the FUSE process ended (exit {self._child.returncode})")
        try:
            self._child.stdin.write((json.dumps(request) + "\n").encode())
        except OSError as exc:
            raise MountFailed(f"the FUSE process is gone: {exc}") from exc
        line = _read_line(self._child.stdout, ANSWER_TIMEOUT)
        if line is None:
            raise MountFailed(f"the FUSE process did not answer {request} in "
                              f"{ANSWER_TIMEOUT} s")
        answer = json.loads(line)
        if "error" in answer:
            raise MountFailed(answer["error"])
        return answer


def _read_line(stream, timeout: float) -> str | None:
    """One line from a pipe within `timeout` seconds (the pipe is read unbuffered)."""
    deadline = time.monotonic() + timeout
    data = b""
    fd = stream.fileno()
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 1)
        if not chunk:
            return None
        data += chunk
    return data.decode()


def is_mounted(point: Path) -> bool:
    """From the kernel's mount table: stat() of a hung FUSE mount could block."""
    target = os.path.realpath(point)
    with open("/proc/self/mountinfo", encoding="utf-8") as fh:
        for line in fh:
            mount_point = line.split()[4].replace("\\040", " ")
            if mount_point == target:
                return True
    return False


def unmount(point: Path) -> None:
    """Unmount, and detach lazily if something still holds it; never blocks for long."""
    for command in (["fusermount3", "-u", str(point)], ["umount", str(point)],
                    ["fusermount3", "-u", "-z", str(point)], ["umount", "-l", str(point)]):
        if not is_mounted(point):
            return
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run(command, capture_output=True, timeout=UNMOUNT_TIMEOUT)


@contextlib.contextmanager
def faulty_mount(backing: Path, point: Path):
    """Mount `backing` on `point` through the faulty file system; yield its Faults."""
    backing, point = Path(backing), Path(point)
    backing.mkdir(parents=True, exist_ok=True)
    point.mkdir(parents=True, exist_ok=True)
    if not os.path.exists("/dev/fuse"):
        raise MountFailed(f"/dev/fuse is missing. {INSTALL_HINT}")
    child = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "SERVE", str(backing), str(point)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=False, bufsize=0, start_new_session=True)
    try:
        line = _read_line(child.stdout, READY_TIMEOUT)
        if line is None or line.strip() != "ready" or not is_mounted(point):
            _stop(child, point)
            err = _drain(child.stderr)[-3000:]
            raise MountFailed(f"could not mount the FUSE file system on {point} "
                              f"(answer {line!r}, exit {child.returncode}): {err}\n"
                              f"{INSTALL_HINT}")
        yield Faults(child, point)
    finally:
        _stop(child, point)
        for pipe in (child.stdout, child.stderr):
            with contextlib.suppress(OSError):
                pipe.close()


def _drain(stream, timeout: float = 1.0) -> str:
    """What a pipe holds, read for at most `timeout` seconds."""
    data, deadline, fd = b"", time.monotonic() + timeout, stream.fileno()
    while (left := deadline - time.monotonic()) > 0 and select.select([fd], [], [], left)[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace")


def _stop(child: subprocess.Popen, point: Path) -> None:
    with contextlib.suppress(OSError, ValueError):
        child.stdin.close()
    unmount(point)
    try:
        child.wait(timeout=UNMOUNT_TIMEOUT)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait(timeout=UNMOUNT_TIMEOUT)
    unmount(point)  # a killed server leaves a dead mount behind: detach it


# ---- the side of the file system (the child process) -----------------------------------

def _serve(backing: str, point: str) -> int:
    from ctypes.util import find_library

    # libfuse 3 when there is one (libfuse 2 needs the older 'fuse' package's fusermount).
    os.environ.setdefault("FUSE_LIBRARY_PATH", find_library("fuse3") or "")
    if not os.environ["FUSE_LIBRARY_PATH"]:
        del os.environ["FUSE_LIBRARY_PATH"]
    try:
        import mfusepy as fuse
    except Exception as exc:  # ImportError, or OSError/EnvironmentError: no libfuse
        print(f"cannot load mfusepy/libfuse: {exc!r}", file=sys.stderr, flush=True)
        return 3

    state = _State()
    ops = _make_operations(fuse, backing, state)
    control = threading.Thread(target=_control, args=(state, point), daemon=True)
    control.start()
    fuse.FUSE(ops, point, foreground=True, raw_fi=True, use_ino=True,
              fsname="faultyfs", attr_timeout=0, entry_timeout=0, negative_timeout=0)
    return 0


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.read = self.write = False
        self.beyond = 0
        self.only: list[str] | None = None
        self.skip: list[str] = ["-shm"]
        self.counts = {"read": 0, "write": 0, "truncate": 0, "fsync": 0}
        self.failed_writes: set[str] = set()  # files with a failed write since the switch

    def targets(self, path: str) -> bool:
        if self.only is not None:
            return any(path.endswith(end) for end in self.only)
        return not any(path.endswith(end) for end in self.skip)

    def should_fail(self, kind: str, path: str, end: int | None = None) -> bool:
        with self.lock:
            on = self.read if kind == "read" else self.write
            if not on or not self.targets(path):
                return False
            if kind == "fsync":
                hit = self.beyond == 0 or path in self.failed_writes
            else:
                hit = self.beyond == 0 or (end is not None and end > self.beyond)
            if hit:
                self.counts[kind] += 1
                if kind == "write":
                    self.failed_writes.add(path)
            return hit


def _control(state: _State, point: str) -> None:
    """Commands from the test on stdin; at its end (the test is gone), unmount."""
    out = sys.stdout
    for line in sys.stdin:
        try:
            request = json.loads(line)
            with state.lock:
                if request["cmd"] == "set":
                    state.read, state.write = bool(request["read"]), bool(request["write"])
                    state.beyond = int(request["beyond"])
                    state.only, state.skip = request["only"], request["skip"]
                    state.failed_writes.clear()
                    answer = {"ok": True}
                elif request["cmd"] == "stats":
                    answer = dict(state.counts)
                elif request["cmd"] == "reset":
                    state.counts = dict.fromkeys(state.counts, 0)
                    answer = {"ok": True}
                else:
                    answer = {"error": f"unknown command {request!r}"}
        except Exception as exc:  # a bad line must not take the file system down
            answer = {"error": repr(exc)}
        out.write(json.dumps(answer) + "\n")
        out.flush()
    subprocess.run(["fusermount3", "-u", "-z", point], capture_output=True, timeout=5)
    time.sleep(UNMOUNT_TIMEOUT)
    os._exit(0)  # the mount is gone (or was never freed): do not linger


def _make_operations(fuse, backing: str, state: _State):
    EIO = fuse.FuseOSError(errno.EIO)

    def real(path: str) -> str:
        return os.path.join(backing, path.lstrip("/"))

    def fd_of(fi) -> int:
        return fi.fh if hasattr(fi, "fh") else fi

    class FaultyFS(fuse.Operations):
        use_ns = True

        def init(self, path):
            print("ready", flush=True)

        def getattr(self, path, fh=None):
            st = os.fstat(fd_of(fh)) if fh is not None and fd_of(fh) else os.lstat(real(path))
            attrs = {key: getattr(st, key) for key in (
                "st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_ino",
                "st_blocks", "st_blksize")}
            attrs.update(st_atime=st.st_atime_ns, st_mtime=st.st_mtime_ns,
                         st_ctime=st.st_ctime_ns)
            return attrs

        def access(self, path, amode):
            if not os.access(real(path), amode):
                raise fuse.FuseOSError(errno.EACCES)
            return 0

        def readdir(self, path, fh):
            # With use_ino an entry needs its inode number: one of 0 is skipped as deleted.
            entries = []
            for name in (".", "..", *os.listdir(real(path))):
                with contextlib.suppress(OSError):
                    st = os.lstat(os.path.join(real(path), name))
                    entries.append((name, {"st_mode": st.st_mode, "st_ino": st.st_ino}, 0))
            return entries

        def readlink(self, path):
            return os.readlink(real(path))

        def statfs(self, path):
            # The real room left: an I/O error on a "full" disk would be named disk full.
            sv = os.statvfs(real(path))
            return {key: getattr(sv, key) for key in (
                "f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree",
                "f_files", "f_flag", "f_frsize", "f_namemax")}

        def _opened(self, path, fi, fd):
            fi.fh = fd
            fi.direct_io = 0 if path.endswith("-shm") else 1  # mapped memory needs the cache
            return 0

        def open(self, path, fi):
            return self._opened(path, fi, os.open(real(path), fi.flags & ~(os.O_CREAT | os.O_APPEND)))

        def create(self, path, mode, fi):
            return self._opened(path, fi, os.open(real(path), (fi.flags | os.O_CREAT) & ~os.O_APPEND, mode))

        def read(self, path, size, offset, fi):
            if state.should_fail("read", path, offset + size):
                raise EIO
            return os.pread(fd_of(fi), size, offset)

        def write(self, path, data, offset, fi):
            if state.should_fail("write", path, offset + len(data)):
                raise EIO
            return os.pwrite(fd_of(fi), data, offset)

        def truncate(self, path, length, fh=None):
            if state.should_fail("truncate", path, max(length, 1)):
                raise EIO
            if fh is not None and fd_of(fh):
                os.ftruncate(fd_of(fh), length)
            else:
                os.truncate(real(path), length)
            return 0

        def fsync(self, path, datasync, fi):
            if state.should_fail("fsync", path):
                raise EIO
            (os.fdatasync if datasync else os.fsync)(fd_of(fi))
            return 0

        def flush(self, path, fi):
            return 0

        def release(self, path, fi):
            os.close(fd_of(fi))
            return 0

        def unlink(self, path):
            os.unlink(real(path))
            return 0

        def rename(self, old, new):
            os.rename(real(old), real(new))
            return 0

        def link(self, target, source):
            os.link(real(source), real(target))
            return 0

        def symlink(self, target, source):
            os.symlink(source, real(target))
            return 0

        def mkdir(self, path, mode):
            os.mkdir(real(path), mode)
            return 0

        def rmdir(self, path):
            os.rmdir(real(path))
            return 0

        def chmod(self, path, mode):
            os.chmod(real(path), mode)
            return 0

        def chown(self, path, uid, gid):
            os.chown(real(path), uid, gid)
            return 0

        def utimens(self, path, times=None):
            os.utime(real(path), ns=times) if times else os.utime(real(path))
            return 0

    return FaultyFS()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "SERVE":
        sys.exit(_serve(sys.argv[2], sys.argv[3]))
    sys.exit("usage: faulty_fs.py SERVE BACKING POINT")
