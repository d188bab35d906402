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

from fastseed.generate.concepts.address import phone_numbers
from fastseed.generate.concepts.geo_data import ADDRESS_COUNTRIES, COUNTRIES
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


@pytest.mark.parametrize("country", ADDRESS_COUNTRIES, ids=_IDS)
def test_phones_are_valid_numbers_of_the_country(country) -> None:  # type: ignore[no-untyped-def]
    idx = np.arange(2000, dtype=np.int64)
    bad = []
    for room in (None, 15, 12):
        for number in phone_numbers(country, 99, idx, room):
            parsed = phonenumbers.parse(number, country.alpha2)
            if not phonenumbers.is_valid_number(parsed) or (
                phonenumbers.region_code_for_number(parsed) != country.alpha2
            ):
                bad.append(number)
    assert not bad, f"{country.alpha2}: {len(bad)} invalid, e.g. {bad[:5]}"


@pytest.mark.parametrize("country", ADDRESS_COUNTRIES, ids=_IDS)
def test_coordinates_box_lies_in_the_country(country) -> None:  # type: ignore[no-untyped-def]
    south, north, west, east = country.box
    s, n, w, e = _BOXES[country.alpha2]
    assert s <= south < north <= n and w <= west < east <= e


def test_every_address_country_has_its_facts() -> None:
    known = {c.alpha2 for c in COUNTRIES}
    assert [c.alpha2 for c in ADDRESS_COUNTRIES if c.alpha2 not in known] == []
    assert len({c.alpha2 for c in ADDRESS_COUNTRIES}) == len(ADDRESS_COUNTRIES)
