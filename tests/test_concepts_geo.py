"""The address countries' facts against real validators: each part of mimesis' locale data
that geo_data.ADDRESS_COUNTRIES claims matches its country (states in pycountry, postal codes
in the country's format, cities and streets as the realism judges want them), phone numbers
are valid numbers of the country (phonenumbers), coordinates lie inside it."""

from __future__ import annotations

import re

import numpy as np
import phonenumbers
import pytest
from realism import _BOXES, _POSTAL, JUDGES, state_of

from fastseed.generate import hashing as h
from fastseed.generate.concepts.geo_data import ADDRESS_COUNTRIES, COUNTRIES, AddressCountry
from fastseed.generate.concepts.phones import phone_numbers, phone_utf8
from fastseed.generate.pools import Pools

_POOLS = Pools(7)
_IDS = [c.alpha2 for c in ADDRESS_COUNTRIES]


def _bad(values: list[str], ok: object) -> list[str]:
    assert callable(ok)
    return [v for v in values if not ok(v)]


@pytest.mark.parametrize("country", ADDRESS_COUNTRIES, ids=_IDS)
def test_claimed_parts_match_the_country(country) -> None:  # type: ignore[no-untyped-def]
    code, pool = country.alpha2, _POOLS.in_locale
    checks = {
        "city": lambda: _bad(pool(country.locale, "city"), JUDGES["city"]),
        "state": lambda: _bad(pool(country.locale, "state"), lambda v: state_of(code, v)),
        "state_code": lambda: _bad(pool(country.locale, "state_code"), lambda v: state_of(code, v)),
        "postal_code": lambda: _bad(
            pool(country.locale, "postal_code"),
            lambda v: re.fullmatch(_POSTAL[code], v) is not None,
        ),
        "street": lambda: _bad(pool(country.locale, "street_address"), JUDGES["street_address"]),
    }
    # a street is judged as its concept is (99% of values); the rest as coherence (all)
    room = {"street": len(pool(country.locale, "street_address")) // 100}
    failed = {
        part: bad[:3]
        for part in sorted(country.parts)
        if len(bad := checks[part]()) > room.get(part, 0)
    }
    assert not failed, f"{code} ({country.locale}): {failed}"


@pytest.mark.parametrize("k", range(len(ADDRESS_COUNTRIES)), ids=_IDS)
def test_phones_are_valid_numbers_of_the_country(k: int) -> None:
    country = ADDRESS_COUNTRIES[k]
    idx = np.arange(2000, dtype=np.int64)
    bad = []
    for room in (None, 15, 12):
        for number in phone_numbers(np.full(len(idx), k), 99, idx, room):
            parsed = phonenumbers.parse(number, country.alpha2)
            if not phonenumbers.is_valid_number(parsed) or (
                phonenumbers.region_code_for_number(parsed) != country.alpha2
            ):
                bad.append(number)
    assert not bad, f"{country.alpha2}: {len(bad)} invalid, e.g. {bad[:5]}"


def _phones_one_by_one(
    country: AddressCountry, key: int, idx: np.ndarray, room: int | None
) -> list[str]:
    """The numbers as they were made before phones.py: strings, one country at a time."""
    code, prefixes, rest = country.phone
    pre = [prefixes[i] for i in h.choose(key + 1, idx, len(prefixes)).tolist()]
    tail = [f"{v:0{rest}d}" for v in h.integers(key + 2, idx, 0, 10**rest - 1).tolist()]
    tail = [("2" + t[1:]) if t[0] in "01" else t for t in tail]
    full = [f"+{code} {p} {t[:3]} {t[3:]}" for p, t in zip(pre, tail, strict=True)]
    if room is None or room >= max(map(len, full), default=0):
        return full
    compact = [f"+{code}{p}{t}" for p, t in zip(pre, tail, strict=True)]
    if room >= max(map(len, compact), default=0):
        return compact
    return [f"{p}{t}"[-room:] for p, t in zip(pre, tail, strict=True)]


def test_phones_of_a_mixed_batch_are_each_countrys_numbers() -> None:
    """All countries in one batch give each row the number its country alone gives, as
    strings and as UTF-8, whatever the room (every layout: international, compact, tail)."""
    idx = np.arange(10_000, 10_000 + 3 * len(ADDRESS_COUNTRIES), dtype=np.int64) * 7919
    which = np.arange(len(idx)) % len(ADDRESS_COUNTRIES)
    for room in (None, 32, 17, 16, 15, 14, 13, 12, 11, 10, 9, 6, 1):
        got = phone_numbers(which, 5, idx, room)
        assert phone_utf8(which, 5, idx, room).tolist() == got
        for k, country in enumerate(ADDRESS_COUNTRIES):
            rows = np.flatnonzero(which == k)
            mine = [got[r] for r in rows.tolist()]
            assert mine == _phones_one_by_one(country, 5, idx[rows], room), (country, room)


@pytest.mark.parametrize("country", ADDRESS_COUNTRIES, ids=_IDS)
def test_coordinates_box_lies_in_the_country(country) -> None:  # type: ignore[no-untyped-def]
    south, north, west, east = country.box
    s, n, w, e = _BOXES[country.alpha2]
    assert s <= south < north <= n and w <= west < east <= e


def test_every_address_country_has_its_facts() -> None:
    known = {c.alpha2 for c in COUNTRIES}
    assert [c.alpha2 for c in ADDRESS_COUNTRIES if c.alpha2 not in known] == []
    assert len({c.alpha2 for c in ADDRESS_COUNTRIES}) == len(ADDRESS_COUNTRIES)
