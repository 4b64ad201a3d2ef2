"""Child process of test_kill9: records payments in a loop until it is killed.

    python tests/db/kill9_child.py DB_PATH PREFIX

It starts once a line arrives on stdin (so the parent can start the next child while it
checks the last one). After each payment is committed, its reference is printed and
flushed: the parent may then count on finding it in the database, however abruptly this
process dies.
"""
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from models.db.opening import open_database  # noqa: E402
from models.ledger import services  # noqa: E402


def main(db_path: str, prefix: str) -> None:
    sys.stdin.readline()  # imports done; wait for the parent to release the database
    open_database(db_path)
    client_id = services.find_client("לקוח משלם").id
    day = dt.date(2026, 11, 1)
    n = 0
    while True:
        n += 1
        reference = f"{prefix}-{n}"
        services.record_payment(client_id, day, "12.34", reference=reference,
                                method="check" if n % 3 == 0 else "transfer",
                                check_number=str(n) if n % 3 == 0 else "")
        print(reference, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
