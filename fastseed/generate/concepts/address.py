"""Addresses and geography: street, city, state, postal code, country (alpha-2, alpha-3 or
name by the column's length), coordinates, phone, and the country facts that go with them
(currency, language, locale, time zone).

Every column of one address group in a row (same table, same name prefix: `shipping_city`
and `shipping_country`) draws its country from the group's key, so a row's postal code,
state, coordinates and phone all lie in the country it names.
"""

from __future__ import annotations

import functools

import numpy as np
from mimesis.datasets import CLOUD_REGION_DIRECTIONS, CLOUD_REGION_PREFIXES

from fastseed.generate import hashing as h
from fastseed.generate import text
from fastseed.generate.concepts.geo_data import (
    ADDRESS_COUNTRIES,
    COUNTRIES,
    LANGUAGES,
)
from fastseed.generate.concepts.kit import from_utf8, listed_utf8, pick
from fastseed.generate.concepts.phones import phone_numbers, phone_utf8
from fastseed.generate.concepts.registry import Concept, Ctx, Made, Maker, register
from fastseed.generate.concepts.valid import NAME, TEXT, matches, within
from fastseed.schema import Kind

ADDRESS_ONLY = {
    "street_address",
    "address_line2",
    "street",
    "city",
    "state",
    "state_code",
    "postal_code",
    "latitude",
    "longitude",
    "phone",
}
"""Concepts that need mimesis address data: a group holding one uses ADDRESS_COUNTRIES."""

_A_BY_CODE = {c.alpha2: c for c in COUNTRIES}
_C_WEIGHTS = 1.0 / np.arange(1, len(COUNTRIES) + 1, dtype=np.float64) ** 0.8
# the coherent facts of the address countries, as rows of COUNTRIES
_A_AS_C = np.array(
    [next(i for i, c in enumerate(COUNTRIES) if c.alpha2 == a.alpha2) for a in ADDRESS_COUNTRIES],
    dtype=np.int64,
)


def _in_address(ctx: Ctx) -> bool:
    return any(name in ADDRESS_ONLY for name in ctx.siblings)


def _needed_parts(ctx: Ctx) -> frozenset[str]:
    """The parts of mimesis' address data the row's address group shows (a short `state`
    column holds the code, a long one the name)."""
    out = set()
    for concept, column in ctx.siblings.items():
        if concept in {"street_address", "street"}:
            out.add("street")
        elif concept in {"city", "postal_code"}:
            out.add(concept)
        elif concept == "state":
            length = ctx.table.column(column).type.length
            out.add("state_code" if length is not None and length <= 3 else "state")
    return frozenset(out)


_BOXES = np.array([c.box for c in ADDRESS_COUNTRIES], dtype=np.float64)
"""(south, north, west, east) of each address country, built once rather than per batch."""


def _address_weights(ctx: Ctx) -> h.F64:
    """Equal among the countries that have every part the group needs; the run's own country
    (its locale) takes at least half of the rows."""
    return _weights_for(_needed_parts(ctx), ctx.locale)


@functools.cache
def _weights_for(need: frozenset[str], locale: str) -> h.F64:
    """`_address_weights` of a group needing `need` in a run of `locale`: asked for every
    batch of every address column, made once."""
    fits = np.array([need <= c.parts for c in ADDRESS_COUNTRIES], dtype=bool)
    weights = np.where(fits, 1.0, 0.0) if fits.any() else np.ones(len(fits))
    for i, c in enumerate(ADDRESS_COUNTRIES):
        if c.locale == locale and weights[i] > 0:
            weights[i] = weights.sum()
    weights.flags.writeable = False
    return weights


def address_country(ctx: Ctx, idx: h.I64) -> h.I64:
    """Each row's position in ADDRESS_COUNTRIES, the same for every column of the group."""
    weights = _address_weights(ctx)
    return h.choose(ctx.group_key, idx, len(weights), weights)


def country_row(ctx: Ctx, idx: h.I64) -> h.I64:
    """Each row's position in COUNTRIES, the same for every column of the group."""
    if _in_address(ctx):
        return _A_AS_C[address_country(ctx, idx)]
    return h.choose(ctx.group_key, idx, len(COUNTRIES), _C_WEIGHTS)


def _per_country(ctx: Ctx, idx: h.I64, what: str) -> text.Utf8Array:
    """One pick per row from the mimesis pool `what` of the row's address country: each row a
    piece of its country's encoded pool."""
    if not len(idx):
        return text.from_strings([])
    which = address_country(ctx, idx)
    starts = np.zeros(len(idx), dtype=np.int64)
    lengths = np.zeros(len(idx), dtype=np.int64)
    sources, base = [], 0
    # the countries present, in order (np.unique sorts, and imports numpy.ma on first use)
    for k in np.flatnonzero(np.bincount(which, minlength=len(ADDRESS_COUNTRIES))).tolist():
        rows = np.flatnonzero(which == k)
        pool = ctx.pools.utf8_in(ADDRESS_COUNTRIES[k].locale, what)
        picks = h.choose(ctx.key, idx[rows], len(pool))
        offsets = pool.offsets
        starts[rows] = base + offsets[picks]
        lengths[rows] = offsets[picks + 1] - offsets[picks]
        sources.append(pool.data)
        base += len(pool.data)
    return text.Utf8Array.of_pieces(np.concatenate(sources), starts[:, None], lengths[:, None])


def _made_per_country(ctx: Ctx, what: str, label: str) -> Made:
    return from_utf8(lambda idx: _per_country(ctx, idx, what), label)


@functools.cache
def _facts(form: str) -> text.Utf8Array:
    """One text per entry of COUNTRIES, encoded once: a field of it ('alpha2', 'name', ...),
    'language_name', or 'locale' (language_COUNTRY)."""
    if form == "language_name":
        values = [LANGUAGES[c.language] for c in COUNTRIES]
    elif form == "locale":
        values = [f"{c.language}_{c.alpha2}" for c in COUNTRIES]
    else:
        values = [getattr(c, form) for c in COUNTRIES]
    return text.from_strings(values)


def _country_form(ctx: Ctx, form: str, label: str) -> Made:
    """A fact of the row's country, by list or by one gather of `_facts(form)`."""
    facts = _facts(form)
    return from_utf8(lambda idx: facts.take(country_row(ctx, idx)), label)


def _country_fact(field: str) -> Maker:
    def make(ctx: Ctx) -> Made:
        return _country_form(ctx, field, f"ISO {field} of the row's country")

    return make


def _from_locale(what: str, label: str) -> Maker:
    def make(ctx: Ctx) -> Made:
        return _made_per_country(ctx, what, label)

    return make


def _country_name(ctx: Ctx) -> Made:
    return _country_form(ctx, "name", "country name (ISO 3166 short name)")


def _language(ctx: Ctx) -> Made:
    return _country_form(ctx, "language", "ISO 639-1 language of the row's country")


def _language_name(ctx: Ctx) -> Made:
    return _country_form(ctx, "language_name", "language name (ISO 639)")


def _locale(ctx: Ctx) -> Made:
    short = ctx.length is not None and ctx.length < 5
    form = "language" if short else "locale"
    return _country_form(ctx, form, "locale (language_COUNTRY)")


def _postal(ctx: Ctx) -> Made:
    return _made_per_country(ctx, "postal_code", "postal code of the row's country")


def _street_address(ctx: Ctx) -> Made:
    return _made_per_country(ctx, "street_address", "street address (mimesis)")


_UNITS = ["Apt", "Suite", "Unit", "Floor"]


def _line2(ctx: Ctx) -> Made:
    def encoded(idx: h.I64) -> text.Utf8Array:
        kind = listed_utf8(_UNITS, ctx.key, idx, 1, skew=True)
        nums = text.integers(h.integers(ctx.key + 2, idx, 1, 999))
        return text.concat([kind, text.constant(" ", len(idx)), nums])

    return from_utf8(encoded, "apartment, suite or unit")


def _state(ctx: Ctx) -> Made:
    short = ctx.length is not None and ctx.length <= 3
    what = "state_code" if short else "state"
    return _made_per_country(
        ctx, what, f"{'state code' if short else 'state'} of the row's country"
    )


def coordinates(ctx: Ctx, idx: h.I64, which: str) -> h.F64:
    """Latitude or longitude inside the row's address country."""
    row = address_country(ctx, idx)
    boxes = _BOXES[row]
    u = h.uniform(ctx.group_key + (7 if which == "latitude" else 8), idx)
    if which == "latitude":
        return boxes[:, 0] + u * (boxes[:, 1] - boxes[:, 0])
    return boxes[:, 2] + u * (boxes[:, 3] - boxes[:, 2])


def _phone(ctx: Ctx) -> Made:
    return Made(
        lambda idx: phone_numbers(address_country(ctx, idx), ctx.key, idx, ctx.length),
        "phone number of the row's country (international format)",
        utf8=lambda idx: phone_utf8(address_country(ctx, idx), ctx.key, idx, ctx.length),
    )


def _cloud_region(ctx: Ctx) -> Made:
    def utf8(idx: h.I64) -> text.Utf8Array:
        dash = text.constant("-", len(idx))
        area = listed_utf8(CLOUD_REGION_PREFIXES, ctx.key, idx, 1, skew=True)
        way = listed_utf8(CLOUD_REGION_DIRECTIONS, ctx.key, idx, 2, skew=True)
        n = text.integers(h.integers(ctx.key + 3, idx, 1, 3))
        return text.concat([area, dash, way, dash, n])

    return from_utf8(utf8, "cloud region (mimesis prefixes and directions)")


def _timezone(ctx: Ctx) -> Made:
    return _country_form(ctx, "timezone", "IANA time zone of the row's country")


def _pool(name: str, label: str, skew: bool = False) -> Maker:
    def make(ctx: Ctx) -> Made:
        pool = ctx.pools.get(name)
        return Made(lambda idx: pick(pool, ctx.key, idx, skew=skew), label, pool=pool, skew=skew)

    return make


_NUMBERS = frozenset({Kind.NUMERIC, Kind.FLOAT})
_PLACE = r"\b(city|town|zip|postal|postcode|country|address|street)\b"
"""Other columns that make `state` a place rather than a status."""

register(
    Concept("street_address", "address", "street_address", (("street", "address"), ("address",), ("address", "line"), ("address", "line", "1"), ("address", "1"), ("street", "line")), _street_address, min_len=12, group="address", valid=TEXT),
    Concept("address_line2", "address", "address_line2", (("address", "line", "2"), ("address", "2"), ("line", "2"), ("street", "2")), _line2, min_len=6, group="address", weight=1, valid=TEXT),
    Concept("street", "address", "street", (("street",), ("street", "name")), _from_locale("street", "street name"), min_len=8, group="address", valid=NAME),
    Concept("city", "address", "city", (("city",), ("town",), ("city", "name"), ("locality",), ("municipality",)), _from_locale("city", "city of the row's country"), min_len=6, group="address", valid=NAME),
    Concept("city", "address", "city", (("name",),), _from_locale("city", "city of the row's country"), min_len=6, group="address", tables=r"\bcity\b", exact=True, valid=NAME),
    Concept("state", "address", "state", (("state",), ("province",), ("county",), ("state", "name"), ("province", "name"), ("region",), ("district",)), _state, min_len=2, group="address", needs=_PLACE, valid=NAME),
    Concept("postal_code", "address", "postal_code", (("postal", "code"), ("postal",), ("zip",), ("zip", "code"), ("post", "code"), ("postcode",), ("postleitzahl",), ("plz",)), _postal, min_len=5, group="address", valid=matches(r"[A-Z0-9][A-Z0-9 -]{1,9}")),
    Concept("country_alpha2", "address", "country_code", (("country",), ("country", "code"), ("country", "iso"), ("iso", "country"), ("nation",)), _country_fact("alpha2"), min_len=2, max_len=2, group="address", valid=matches(r"[A-Z]{2}")),
    Concept("country_alpha2", "address", "country_code", (("country", "code"), ("country", "iso"), ("iso", "country"), ("iso", "country", "code"), ("country", "iso", "code"), ("iso2",), ("alpha2",), ("iso", "2")), _country_fact("alpha2"), min_len=2, group="address", valid=matches(r"[A-Z]{2}")),
    Concept("country_alpha2", "address", "country_code", (("iso", "code"), ("code",), ("iso",), ("alpha", "2")), _country_fact("alpha2"), min_len=2, max_len=2, group="address", tables=r"countr|nation", valid=matches(r"[A-Z]{2}")),
    Concept("country_alpha3", "address", "country_code", (("country",), ("country", "code"), ("nation",)), _country_fact("alpha3"), min_len=3, max_len=3, group="address", valid=matches(r"[A-Z]{3}")),
    Concept("country_alpha3", "address", "country_code", (("iso3",), ("alpha3",), ("country", "iso3"), ("iso", "3")), _country_fact("alpha3"), min_len=3, group="address", weight=1, valid=matches(r"[A-Z]{3}")),
    Concept("country_name", "address", "country", (("country",), ("country", "name"), ("nation",)), _country_name, min_len=4, group="address", valid=NAME),
    Concept("country_name", "address", "country", (("name",),), _country_name, min_len=4, group="address", tables=r"countr|nation", exact=True, valid=NAME),
    Concept("currency", "address", "currency", (("currency",), ("currency", "code"), ("currency", "iso")), _country_fact("currency"), min_len=3, group="address", sampled=True, fact=True, valid=matches(r"[A-Z]{3}")),
    Concept("currency", "address", "currency", (("iso", "code"), ("code",), ("iso",)), _country_fact("currency"), min_len=3, max_len=3, group="address", tables=r"currenc", fact=True, valid=matches(r"[A-Z]{3}")),
    Concept("language_alpha2", "address", "language", (("language",), ("language", "code"), ("language", "iso")), _language, min_len=2, max_len=2, group="address", sampled=True, fact=True, valid=matches(r"[a-z]{2}")),
    Concept("language_alpha2", "address", "language", (("language", "code"), ("language", "iso"), ("iso", "language")), _language, min_len=2, group="address", sampled=True, fact=True, valid=matches(r"[a-z]{2}")),
    Concept("language_name", "address", "language", (("language",), ("language", "name")), _language_name, min_len=8, group="address", sampled=True, fact=True, valid=NAME),
    Concept("language_name", "address", "language", (("name",),), _language_name, min_len=8, group="address", tables=r"language", exact=True, fact=True, valid=NAME),
    Concept("locale", "address", "language", (("locale",), ("locale", "code"), ("culture",)), _locale, min_len=2, group="address", sampled=True, fact=True, valid=matches(r"[a-z]{2,3}([_-][A-Z]{2})?")),
    Concept("timezone", "address", "timezone", (("timezone",), ("time", "zone"), ("zone", "id"), ("timezone", "id"), ("timezone", "name")), _timezone, min_len=10, group="address", sampled=True, fact=True, valid=matches(r"UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+)+")),
    Concept("phone", "address", "phone", (("phone",), ("phone", "number"), ("mobile",), ("mobile", "number"), ("mobile", "phone"), ("fax",), ("cell",), ("cell", "phone"), ("msisdn",), ("contact", "number")), _phone, min_len=10, group="address", valid=matches(r"\+?\d[\d ()./-]{5,24}")),
    Concept("cloud_region", "address", "region", (("region",), ("cloud", "region"), ("availability", "zone"), ("datacenter",)), _cloud_region, min_len=9, valid=matches(r"[a-z]{2}(-[a-z]+)+-\d+")),
    Concept("nationality", "address", "nationality", (("nationality",), ("citizenship",)), _pool("nationality", "mimesis nationality"), min_len=6, valid=NAME),
    Concept("latitude", "address", "latitude", (("latitude",),), None, group="address", kinds=_NUMBERS, span=(-90, 90), valid=within(-90, 90), placed=lambda ctx, idx, lo, hi: coordinates(ctx, idx, "latitude")),
    Concept("longitude", "address", "longitude", (("longitude",),), None, group="address", kinds=_NUMBERS, span=(-180, 180), valid=within(-180, 180), placed=lambda ctx, idx, lo, hi: coordinates(ctx, idx, "longitude")),
)  # fmt: skip
