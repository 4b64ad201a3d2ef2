"""Schema 12: how a client is addressed, and where they are. Frozen DDL.

- gender: 'unknown' (the default: a person is addressed in neutral wording, a business
  in the plural), 'female' or 'male';
- salutation: an optional title the greeting uses ("Dr", "Adv.", "Prof."), free text;
- country: an ISO 3166 two-letter code, 'IL' by default; another country's address is
  laid out for international mail (country last, in capitals);
- letter_language: 'he' (the default) or 'en': the language of the dunning letters and
  the statement (the debt notice under the Israeli consumer law is always Hebrew).
"""

STATEMENTS = [
    """ALTER TABLE client ADD COLUMN gender TEXT NOT NULL DEFAULT 'unknown'
        CHECK (gender IN ('unknown', 'female', 'male'))""",
    "ALTER TABLE client ADD COLUMN salutation TEXT NOT NULL DEFAULT ''",
    """ALTER TABLE client ADD COLUMN country TEXT NOT NULL DEFAULT 'IL'
        CHECK (length(country) = 2 AND country = upper(country))""",
    """ALTER TABLE client ADD COLUMN letter_language TEXT NOT NULL DEFAULT 'he'
        CHECK (letter_language IN ('he', 'en'))""",
]


def up(migrator, db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
