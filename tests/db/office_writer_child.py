"""Child process of test_office_concurrency: one person recording payments and contact
entries in a ledger others write at the same moment.

    python tests/db/office_writer_child.py TARGET WORKER COUNT CLIENT_IDS

TARGET is a ledger file or a postgresql:// URL; CLIENT_IDS is a comma-separated list.
The parent starts every child, then releases them together, twice, with a line on
stdin each time: first they all open the ledger (each prints `opened` or `refused
<message>`), then those that opened write at once: COUNT payments and COUNT entries,
printing each reference as it is committed, and `done` at the end.
"""
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from models.common.errors import GviaError  # noqa: E402
from models.contact.contact_log import log_contact  # noqa: E402
from models.db.opening import open_database  # noqa: E402
from models.ledger import services  # noqa: E402

AMOUNT = "37.00"


def main(target: str, worker: int, count: int, client_ids: list[int]) -> None:
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        ledger = open_database(target)
    except GviaError as exc:
        print("refused", str(exc).replace("\n", " "), flush=True)
        return
    print("opened", flush=True)
    sys.stdin.readline()
    today = dt.date.today()
    for n in range(count):
        client_id = client_ids[(worker + n) % len(client_ids)]
        reference = f"w{worker}-p{n}"
        services.record_payment(client_id, today, AMOUNT, reference=reference)
        print(reference, flush=True)
        summary = f"w{worker}-c{n}"
        log_contact(client_id, today, "phone", summary=summary)
        print(summary, flush=True)
    print("done", flush=True)
    sys.stdin.readline()  # hold the ledger until the parent has seen everyone finish
    ledger.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
         [int(i) for i in sys.argv[4].split(",")])
