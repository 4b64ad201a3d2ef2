"""Demo clients: people and businesses with Hebrew names, valid ID / company numbers,
Israeli addresses with 7-digit postal codes, mobile phones, e-mail addresses, contacts;
businesses abroad with their own country's address, postcode and telephone.

Every value here passes the validation a user's typing goes through (models.ledger.services);
tests/demo/test_demo.py checks that by adding the demo clients through the services.
"""
from __future__ import annotations

import random

from models.common.text import israeli_id_is_valid
from models.demo import words

# Leading digits of registry numbers: companies 51, partnerships 55, non-profits 58,
# local authorities 50; a person's ID starts with 0, 2 or 3.
TAX_ID_PREFIXES = {"company": "51", "partnership": "55", "nonprofit": "58", "public": "50"}


def with_check_digit(first8: str) -> str:
    """Append the Luhn-style check digit that makes a valid 9-digit Israeli number."""
    total = 0
    for i, ch in enumerate(first8):
        n = int(ch) * (1 + i % 2)
        total += n - 9 if n > 9 else n
    number = first8 + str((10 - total % 10) % 10)
    assert israeli_id_is_valid(number)
    return number


class PeopleMaker:
    """Makes unique client names and tax ids from one random stream."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._names: set[str] = set()
        self._tax_ids: set[str] = set()
        self._abroad = 0  # clients abroad made so far
        self._public_left = [(f"עיריית {city}", latin, zip_prefix, city)
                             for city, zip_prefix, latin in words.CITIES]
        self._public_left += [(f"המתנ\"ס העירוני {city}", f"matnas-{latin}", zip_prefix, city)
                              for city, zip_prefix, latin in words.CITIES]
        rng.shuffle(self._public_left)

    # -- identifiers -----------------------------------------------------------------

    def tax_id(self, kind: str) -> str:
        prefix = TAX_ID_PREFIXES.get(kind) or self.rng.choice("023")
        while True:
            body = prefix + "".join(self.rng.choice("0123456789") for _ in range(8 - len(prefix)))
            number = with_check_digit(body)
            if number not in self._tax_ids:
                self._tax_ids.add(number)
                return number

    def mobile(self) -> str:
        return f"{self.rng.choice(words.MOBILE_PREFIXES)}-{self.rng.randint(2000000, 9999999)}"

    def landline(self) -> str:
        area = self.rng.choice(("02", "03", "04", "08", "09", "077", "073"))
        return f"{area}-{self.rng.randint(2000000, 9999999)}"

    def address(self) -> tuple[str, str, str]:
        """(street and number, city, 7-digit postal code)."""
        city, prefix, _ = self.rng.choice(words.CITIES)
        zip_code = prefix + "".join(self.rng.choice("0123456789") for _ in range(7 - len(prefix)))
        return f"{self.rng.choice(words.STREETS)} {self.rng.randint(1, 180)}", city, zip_code

    # -- names -----------------------------------------------------------------------

    def _unique(self, make) -> tuple[str, str]:
        """A (name, e-mail slug) never given before; after many collisions, add a city."""
        for _ in range(30):
            name, slug = make()
            if name not in self._names:
                self._names.add(name)
                return name, slug
        base, slug = make()
        for city, _, _ in words.CITIES:
            name = f"{base} ({city})"
            if name not in self._names:
                self._names.add(name)
                return name, slug
        name = f"{base} {len(self._names)}"
        self._names.add(name)
        return name, slug

    def person_name(self) -> tuple[str, str, str]:
        """(full name, first name latin, surname latin)."""
        first = self.rng.choice(words.MALE_NAMES if self.rng.random() < 0.5 else words.FEMALE_NAMES)
        last = self.rng.choice(words.SURNAMES)
        if self.rng.random() < 0.12:
            second = self.rng.choice(words.SURNAMES)
            if second != last:
                last = (f"{last[0]}-{second[0]}", f"{last[1]}-{second[1]}")
        return f"{first[0]} {last[0]}", first[1], last[1]

    def client_name(self, kind: str) -> tuple[str, str]:
        """(name, slug for e-mail and web domain) for a client of this kind."""
        rng = self.rng
        if kind == "person":
            def make():
                full, first, last = self.person_name()
                return full, f"{first}.{last}"
        elif kind == "company":
            def make():
                base = rng.choice(words.SURNAMES if rng.random() < 0.5 else words.BRAND_WORDS)
                line = rng.choice(words.BUSINESS_LINES)
                suffix = rng.choice(('בע"מ', 'בע"מ', 'בע"מ', '(2010) בע"מ', 'ישראל בע"מ'))
                return f"{base[0]} {line[0]} {suffix}", f"{base[1]}-{line[1]}"
        elif kind == "partnership":
            def make():
                a, b = rng.sample(words.SURNAMES, 2)
                line = rng.choice(words.PARTNERSHIP_LINES)
                return f"{a[0]}, {b[0]} ושות' - {line[0]}", f"{a[1]}-{b[1]}-{line[1]}"
        elif kind == "nonprofit":
            def make():
                cause = rng.choice(words.NONPROFIT_CAUSES)
                city, _, _ = rng.choice(words.CITIES)
                return f"עמותת {cause[0]} {city} (ע\"ר)", f"{cause[1]}-{rng.randint(1, 99)}"
        else:
            raise ValueError(kind)
        return self._unique(make)

    def public_body(self) -> tuple[str, str, str, str] | None:
        """(name, slug, postal prefix, city) of a local authority, or None when all are used."""
        while self._public_left:
            name, slug, prefix, city = self._public_left.pop()
            if name not in self._names:
                self._names.add(name)
                return name, slug, prefix, city
        return None

    def foreign_client(self) -> tuple[words.ForeignPlace, str, str]:
        """(place, name, slug) of a client abroad: the currencies come in turn
        (words.FOREIGN_CURRENCIES), the town at random among that currency's, by weight."""
        rng = self.rng
        currency = words.FOREIGN_CURRENCIES[self._abroad % len(words.FOREIGN_CURRENCIES)]
        self._abroad += 1
        places = [p for p in words.FOREIGN_PLACES if p.currency == currency]
        place, = rng.choices(places, weights=[p.weight for p in places])
        form = rng.choice(place.forms)

        def make():
            word, line = rng.choice(words.FOREIGN_WORDS), rng.choice(words.FOREIGN_LINES)
            return f"{word} {line} {form}", f"{word}-{line}".lower().replace(" ", "")
        name, slug = self._unique(make)
        return place, name, slug

    def foreign_address(self, place: words.ForeignPlace) -> tuple[str, str]:
        """(street line, postcode) in `place`, each as that country writes it."""
        street, postcode = self.rng.choice(place.streets)
        return street.format(n=self.rng.randint(1, 400)), self._fill(postcode)

    def foreign_phone(self, place: words.ForeignPlace) -> str:
        return self._fill(place.phone)

    def _fill(self, pattern: str) -> str:
        """`pattern` with each '#' a digit, '%' a digit 1-9 and '@' a postcode letter."""
        rng = self.rng
        return "".join(rng.choice("0123456789") if ch == "#" else
                       rng.choice("123456789") if ch == "%" else
                       rng.choice(words.POSTCODE_LETTERS) if ch == "@" else ch
                       for ch in pattern)

    def email(self, slug: str, kind: str, web: str = "") -> str:
        """`web`: the ending of a business abroad's address (".co.uk")."""
        if kind == "person":
            return f"{slug}{self.rng.choice(('', '', str(self.rng.randint(1, 99))))}@" \
                   f"{self.rng.choice(words.EMAIL_PROVIDERS)}"
        box = self.rng.choice(("office", "info", "billing", "accounts", "finance"))
        tld = web or {"nonprofit": ".org.il", "public": ".muni.il"}.get(kind, ".co.il")
        return f"{box}@{slug}{tld}"

    def contact(self, public: bool) -> tuple[str, str, str, str]:
        """(name, role, phone, e-mail) of a contact person at a business."""
        full, first, last = self.person_name()
        role = self.rng.choice(words.PUBLIC_ROLES if public else words.CONTACT_ROLES)
        return full, role, self.mobile(), f"{first}.{last}@{self.rng.choice(words.EMAIL_PROVIDERS)}"
