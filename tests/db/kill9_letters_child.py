"""Child process of test_kill9_letters: writes letter batches and attachments in a loop
until it is killed.

    python tests/db/kill9_letters_child.py DB_PATH OUT_PDF ATTACHMENT

It starts once a line arrives on stdin (so the parent can start the next child while it
checks the last one). Before each batch and each attachment it prints a line, so the
parent can aim its kill inside the write it chooses.
"""
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from models.contact.contact_log import log_contact  # noqa: E402
from models.db.opening import open_database  # noqa: E402
from reports.batch import letters_command  # noqa: E402

AS_OF = dt.date(2026, 11, 22)


def main(db_path: str, out: str, attachment: str) -> None:
    sys.stdin.readline()  # imports done; wait for the parent to release the database
    open_database(db_path)
    n = 0
    while True:
        n += 1
        print(f"letters {n}", flush=True)  # the parent aims its kill at what follows
        letters_command(kind="statement", client=None, all_clients=True, out=Path(out),
                        as_of=AS_OF, force=True)
        print(f"attachment {n}", flush=True)
        log_contact(1, dt.datetime(2026, 11, 20, 9, 0), "email", summary=f"נשלח {n}",
                    attachments=[attachment])


if __name__ == "__main__":
    main(*sys.argv[1:4])
