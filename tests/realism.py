"""The realism judge: each column of tests/fixtures/realism by the concept a domain expert sees
in it, judged by a real validator (pycountry, python-stdnum, phonenumbers, email-validator,
the standard library), and the rows' coherence (a person's names, an address in one country,
a card's tail, a file's type).

The judges live here, apart from fastseed: they are test dependencies and never generate a
value. `CONCEPTS` names the expected concept of every judged fixture column (a test may name
its fixture's columns; fastseed never does).
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import ipaddress
import json
import mimetypes
import re
import unicodedata
import uuid
import zoneinfo
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

import phonenumbers
import pycountry
from babel.numbers import get_currency_precision, get_territory_currencies
from email_validator import EmailNotValidError, validate_email
from stdnum import bic, ean, iban, isbn, luhn
from stdnum.us import ssn

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "realism"

Judge = Callable[[Any], bool]
_ZONES = zoneinfo.available_timezones()
# the standard library's own table, not the machine's /etc/mime.types
_MIME = mimetypes.MimeTypes(filenames=())
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_NAME = re.compile(r"^[A-Z][A-Za-zÀ-ÿ'’.-]*( [A-Z][A-Za-zÀ-ÿ'’.-]*)*$")
_PLACE = re.compile(r"^[^\W\d_][\w'’.()/-]*,?( [\w'’.()/-]+,?){0,6}$")
_WORDS = re.compile(r"^[A-Za-zÀ-ÿ&'’(),./-]+( [A-Za-zÀ-ÿ&'’(),./-]+){0,7}$")


def _fullmatch(pattern: str, flags: int = 0) -> Judge:
    rx = re.compile(pattern, flags)
    return lambda v: isinstance(v, str) and rx.fullmatch(v) is not None


def _country2(v: Any) -> bool:
    return pycountry.countries.get(alpha_2=v) is not None


def _country_name(v: Any) -> bool:
    try:
        pycountry.countries.lookup(v)
    except LookupError:
        return False
    return True


def _language2(v: Any) -> bool:
    return pycountry.languages.get(alpha_2=v) is not None


def _language_name(v: Any) -> bool:
    return pycountry.languages.get(name=v) is not None


def _locale(v: Any) -> bool:
    m = re.fullmatch(r"([a-z]{2})(?:[_-]([A-Z]{2}))?", v)
    return bool(m) and _language2(m[1]) and (m[2] is None or _country2(m[2]))


def _email(v: Any) -> bool:
    try:
        validate_email(v, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _phone(v: Any) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(v, None))
    except phonenumbers.NumberParseException:
        return False


def _url(v: Any) -> bool:
    parts = urlsplit(v)
    host = (parts.hostname or "").lower()
    return parts.scheme in {"http", "https"} and _HOST.match(host) is not None and " " not in v


def _ip(version: int | None) -> Judge:
    def judge(v: Any) -> bool:
        try:
            address = ipaddress.ip_address(v)
        except ValueError:
            return False
        return version is None or address.version == version

    return judge


def _uuid(v: Any) -> bool:
    try:
        return str(uuid.UUID(v)) == v.lower()
    except ValueError:
        return False


def _file_name(v: Any) -> bool:
    return (
        isinstance(v, str)
        and "/" not in v
        and not v.endswith(".")
        and _MIME.guess_type(v, strict=False)[0] is not None
    )


_MIME_TYPES = set(_MIME.types_map[True].values()) | set(_MIME.types_map[False].values())


def _mime(v: Any) -> bool:
    return v in _MIME_TYPES


def _path(v: Any) -> bool:
    return isinstance(v, str) and v.startswith("/") and _file_name(v.rsplit("/", 1)[-1])


_BCRYPT64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _bcrypt(v: Any) -> bool:
    """A modular-crypt bcrypt string: a cost of 4 to 31, a 16-byte salt in 22 characters
    and a 23-byte hash in 31, whose last characters leave their unused bits 0 (passlib's
    check), and not hex digits alone ('$2b$12$' + repeated hex)."""
    m = re.fullmatch(r"\$2[aby]\$(0[4-9]|[12]\d|3[01])\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})", v)
    return (
        m is not None
        and _BCRYPT64.index(m[2][-1]) % 16 == 0
        and _BCRYPT64.index(m[3][-1]) % 4 == 0
        and re.fullmatch(r"[0-9a-f]+", m[2] + m[3]) is None
    )


def _card_number(v: Any) -> bool:
    digits = v.replace(" ", "")
    return digits.isdigit() and 13 <= len(digits) <= 19 and luhn.is_valid(digits)


def _isbn(length: int) -> Judge:
    return lambda v: len(v) == length and isbn.is_valid(v)


def _ean(length: int) -> Judge:
    return lambda v: len(v) == length and v.isdigit() and ean.is_valid(v)


def _latitude(v: Any) -> bool:
    return -90 <= float(v) <= 90


def _longitude(v: Any) -> bool:
    return -180 <= float(v) <= 180


def _currency(v: Any) -> bool:
    return pycountry.currencies.get(alpha_3=v) is not None


_SUBDIVISIONS = {s.name for s in pycountry.subdivisions} | {
    s.code.split("-")[-1] for s in pycountry.subdivisions
}


def _subdivision(v: Any) -> bool:
    return v in _SUBDIVISIONS or any(state_of(code, v) for code in _POSTAL)


def _positive(v: Any) -> bool:
    return isinstance(v, int | Decimal | float) and v > 0


def _parses(parse: Callable[[Any], object], error: type[Exception]) -> Judge:
    """A judge that accepts what `parse` reads without raising `error`."""

    def judge(v: Any) -> bool:
        try:
            parse(v)
        except error:
            return False
        return True

    return judge


_json = _parses(json.loads, ValueError)
_xml = _parses(ElementTree.fromstring, ElementTree.ParseError)
_regex = _parses(re.compile, re.error)


def _iso_time(v: Any) -> bool:
    if v.isdigit():  # epoch seconds or milliseconds in the past 30 years
        t = int(v) / (1000 if len(v.lstrip("0")) > 10 else 1)
        return 631152000 <= t <= 1893456000
    try:
        dt.datetime.fromisoformat(v.replace("Z", "+00:00") if len(v) != 8 else v)
    except ValueError:
        return False
    return True


def _jid(v: Any) -> bool:
    return _email(v.split("/")[0])


_PROSE = re.compile(r"^[\w\s.,;:'’\"!?(){}\[\]&/%$#@+*=<>-]+$")
_LOWER_WORDS = _fullmatch(r"[a-z][a-z0-9 ,_.-]*")

JUDGES: dict[str, Judge] = {
    "country_alpha2": _country2,
    "country_alpha3": lambda v: pycountry.countries.get(alpha_3=v) is not None,
    "country_name": _country_name,
    "currency": _currency,
    "language_alpha2": _language2,
    "language_name": _language_name,
    "locale": _locale,
    "timezone": lambda v: v in _ZONES,
    # words of any script, capitalised where the script has cases ('Köln', '東京都', 'Київ')
    "city": lambda v: _PLACE.match(v) is not None and not v[0].islower(),
    # 'Acme & Sons, Inc.' is a company; 'Dinner was served.' is a sentence
    "company": lambda v: bool(v.strip()) and re.search(r"[a-z]{4,}\.$", v) is None,
    "url": _url,
    "hostname": lambda v: _HOST.match(v) is not None,
    "email": _email,
    "phone": _phone,
    "iban": lambda v: iban.is_valid(v),
    "bic": lambda v: bic.is_valid(v),
    "hex_color": _fullmatch(r"#[0-9a-fA-F]{6}"),
    "color_name": lambda v: _WORDS.match(v) is not None and len(v.split()) <= 3,
    "first_name": lambda v: _NAME.match(v) is not None,
    "last_name": lambda v: _NAME.match(v) is not None,
    "full_name": lambda v: _NAME.match(v) is not None and len(v.split()) >= 2,
    "username": _fullmatch(r"[a-z0-9][a-z0-9._-]{2,39}"),
    "gender": lambda v: v.lower() in {"female", "male", "non-binary", "other", "unspecified"},
    "job_title": lambda v: _WORDS.match(v) is not None,
    "department": lambda v: _WORDS.match(v) is not None,
    "nationality": lambda v: _WORDS.match(v) is not None,
    "password_hash": _bcrypt,
    "ssn": lambda v: ssn.is_valid(v),
    "ip": _ip(None),
    "ipv4": _ip(4),
    "ipv6": _ip(6),
    # a house number and a street name, in either order ('12 Main St', 'Hauptstraße 12')
    # a house number ('12', '12a', Japan's '1-84-36') and a word of a street name, in either
    # order ('12 Main St', '1044 44 St', 'Hauptstraße 12', 'さいたま市 1-84-36')
    "street_address": _fullmatch(
        r"(\d+[A-Za-z]?(-\d+)* .*[^\W\d_]{2,}.*|.*[^\W\d_]{2,}.* \d+[A-Za-z]?(-\d+)*)"
    ),
    "address_line2": lambda v: bool(re.search(r"\d|[A-Z]", v)),
    "postal_code": _fullmatch(r"[A-Z0-9][A-Z0-9 -]{1,9}[A-Z0-9]"),
    "state": _subdivision,
    "latitude": _latitude,
    "longitude": _longitude,
    "product_title": lambda v: not v.endswith(".") and 1 <= len(v.split()) <= 10,
    "slug": _fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*"),
    "sku": _fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)+"),
    "isbn13": _isbn(13),
    "isbn10": _isbn(10),
    "ean13": _ean(13),
    "upc": _ean(12),
    "text": lambda v: len(v.split()) >= 3,
    "version": _fullmatch(r"\d+\.\d+\.\d+"),
    "order_number": _fullmatch(r"[A-Z]{2,4}-?\d{4,}(-\d+)?"),
    "tracking_number": _fullmatch(r"[A-Z0-9]{10,40}"),
    "card_brand": lambda v: v.lower() in {"visa", "mastercard", "american express", "discover"},
    "card_number": _card_number,
    "card_last4": _fullmatch(r"\d{4}"),
    "card_expiry": _fullmatch(r"(0[1-9]|1[0-2])/(\d{2}|20\d{2})"),
    "transaction_id": _fullmatch(r"[A-Za-z0-9_-]{8,64}"),
    "file_name": _file_name,
    "extension": _fullmatch(r"\.?[a-z0-9]{1,5}"),
    "mime_type": _mime,
    "size": _positive,
    "sha256": _fullmatch(r"[0-9a-f]{64}"),
    "md5": _fullmatch(r"[0-9a-f]{32}"),
    "file_path": _path,
    # as long as the column holds: a char(40) token padded with spaces fails
    "token": _fullmatch(r"[0-9a-zA-Z]{16,}"),
    "uuid": _uuid,
    # product/version first (RFC 9110 User-Agent), then anything
    "user_agent": _fullmatch(r"[A-Za-z][\w.,-]*/\S+( .+)?"),
    "session_id": _fullmatch(r"[A-Za-z0-9_-]{16,64}"),
    "mac": _fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", re.IGNORECASE),
    "street": lambda v: bool(re.search(r"[^\W\d_]{2}", v)),
    "cloud_region": _fullmatch(r"[a-z]{2}-[a-z]+-\d"),
    "external_id": lambda v: _uuid(v) or re.fullmatch(r"[0-9a-f]{6,24}", v) is not None,
    "code": _fullmatch(r"[A-Z]{2,3}-\d{4}"),
    "urn": _fullmatch(r"urn:[a-z0-9][a-z0-9-]*:\S+"),
    "phone_extension": _fullmatch(r"\d{3,4}"),
    "date_text": _iso_time,
    "product": lambda v: _WORDS.match(v) is not None and not v.endswith("."),
    "ean8": _ean(8),
    "password_digest": _fullmatch(r"[0-9a-f]{32}|[0-9a-f]{40}"),
    "password": lambda v: len(v) >= 8 and " " not in v,
    "port": lambda v: v.isdigit() and 1 <= int(v) <= 65535,
    "sha1": _fullmatch(r"[0-9a-f]{40}"),
    "salt": _fullmatch(r"[0-9a-f]{8,64}"),
    "jid": _jid,
    "honorific": lambda v: v in {"Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Mx."},
    "university": lambda v: _PROSE.match(v) is not None and not v.endswith("."),
    "paragraph": lambda v: _PROSE.match(v) is not None and v.rstrip()[-1] in ".!?",
    "sentence": lambda v: _PROSE.match(v) is not None and v.rstrip()[-1] in ".!?",
    "title": lambda v: not v.endswith(".") and 1 <= len(v.split()) <= 8,
    "label": lambda v: not v.endswith(".") and 1 <= len(v.split()) <= 5,
    "system_name": _fullmatch(r"[a-z0-9]+([_-][a-z0-9]+)+"),
    "status": _LOWER_WORDS,
    "category": _LOWER_WORDS,
    "category_name": _WORDS.match,
    "mode": _LOWER_WORDS,
    "permission": _LOWER_WORDS,
    "protocol": _LOWER_WORDS,
    "action": _LOWER_WORDS,
    "environment": _LOWER_WORDS,
    "repeat": _fullmatch(r"R\d*/P(T?\d+[SMHDW])+"),
    "cron": lambda v: len(v.split()) in {5, 6, 7},
    "group_label": _fullmatch(r"[A-Za-z][A-Za-z0-9_-]*"),
    "event_name": _fullmatch(r"[a-z]+\.[a-z]+"),
    "class_name": _fullmatch(r"([a-z][a-z0-9_]*\.)+[A-Z]\w*"),
    "query": lambda v: bool(v.strip()),
    "sql": lambda v: v.upper().startswith(("SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH ")),
    "packaging": lambda v: bool(re.match(r"\d+ ", v)),
    "json_text": _json,
    "setting_value": lambda v: bool(v.strip()) and len(v) <= 64,
    "xml": _xml,
    "log": _fullmatch(r"\[(INFO|WARN|ERROR|DEBUG)\] .+"),
    "actor": _fullmatch(r"[a-z0-9][a-z0-9._-]{1,39}"),
    "route": _fullmatch(r"/[A-Za-z0-9/_.-]*"),
    "pattern": _regex,
    "keywords": lambda v: all(w.strip() for w in v.split(",")),
    "amount": lambda v: isinstance(v, Decimal) and v >= 0,
    "month": lambda v: isinstance(v, int) and 1 <= v <= 12,
    "card_year": lambda v: isinstance(v, int) and 2000 <= v <= 2100,
    "quantity": lambda v: isinstance(v, int) and 1 <= v <= 1000,
}

CONCEPTS: dict[str, dict[str, str]] = {
    "countries": {
        "iso_code": "country_alpha2",
        "iso3": "country_alpha3",
        "country_name": "country_name",
        "currency_code": "currency",
        "language": "language_alpha2",
        "timezone": "timezone",
        "capital_city": "city",
    },
    "locales": {
        "locale": "locale",
        "language_code": "language_alpha2",
        "language_name": "language_name",
        "country": "country_alpha2",
        "tz": "timezone",
        "currency": "currency",
    },
    "companies": {
        "name": "company",
        "website": "url",
        "domain": "hostname",
        "contact_email": "email",
        "phone_number": "phone",
        "iban": "iban",
        "bic": "bic",
        "brand_color": "hex_color",
        "country_code": "country_alpha2",
    },
    "users": {
        "first_name": "first_name",
        "last_name": "last_name",
        "full_name": "full_name",
        "email": "email",
        "username": "username",
        "phone": "phone",
        "mobileNumber": "phone",
        "gender": "gender",
        "job_title": "job_title",
        "avatar_url": "url",
        "homepage": "url",
        "password_hash": "password_hash",
        "ssn": "ssn",
        "locale": "locale",
        "time_zone": "timezone",
        "last_login_ip": "ip",
    },
    "addresses": {
        "street_address": "street_address",
        "address_line2": "address_line2",
        "city": "city",
        "state": "state",
        "postal_code": "postal_code",
        "country": "country_alpha2",
        "latitude": "latitude",
        "longitude": "longitude",
    },
    "products": {
        "title": "product_title",
        "slug": "slug",
        "sku": "sku",
        "isbn": "isbn13",
        "isbn10": "isbn10",
        "ean13": "ean13",
        "upc": "upc",
        "description": "text",
        "currency": "currency",
        "color": "color_name",
        "hex_color": "hex_color",
        "version": "version",
    },
    "orders": {
        "order_number": "order_number",
        "tracking_number": "tracking_number",
        "currency": "currency",
        "shipping_city": "city",
        "shipping_postcode": "postal_code",
        "shipping_country": "country_alpha2",
        "customer_ip": "ip",
        "subtotal": "amount",
        "total": "amount",
    },
    "order_items": {"quantity": "quantity", "unit_price": "amount", "line_total": "amount"},
    "payments": {
        "card_brand": "card_brand",
        "card_number": "card_number",
        "card_last4": "card_last4",
        "card_expiry": "card_expiry",
        "cardholder_name": "full_name",
        "iban": "iban",
        "bic": "bic",
        "currency_code": "currency",
        "transaction_id": "transaction_id",
    },
    "payment_methods": {
        "brand": "card_brand",
        "last4": "card_last4",
        "exp_month": "month",
        "exp_year": "card_year",
    },
    "books": {"title": "title", "isbn13": "isbn13"},
    "projects": {"name": "title"},
    "tasks": {"title": "title"},
    "files": {
        "file_name": "file_name",
        "extension": "extension",
        "mime_type": "mime_type",
        "size_bytes": "size",
        "sha256": "sha256",
        "md5_checksum": "md5",
        "storage_path": "file_path",
    },
    "api_keys": {
        "api_token": "token",
        "secret_hash": "password_hash",
        "uuid": "uuid",
        "last_used_ip": "ip",
        "user_agent": "user_agent",
    },
    "sessions": {
        "session_id": "session_id",
        "ip_address": "ip",
        "ipv4": "ipv4",
        "ipv6": "ipv6",
        "mac_address": "mac",
        "userAgent": "user_agent",
        "referrer": "url",
        "hostname": "hostname",
    },
    "colours": {"name": "color_name", "hex": "hex_color", "rgb_color": "hex_color"},
    "employees": {
        "given_name": "first_name",
        "family_name": "last_name",
        "work_email": "email",
        "phone-number": "phone",
        "department": "department",
        "nationality": "nationality",
        "home_city": "city",
        "zip": "postal_code",
    },
    "media": {
        "filename": "file_name",
        "content_type": "mime_type",
        "file_size": "size",
        "image_url": "url",
    },
}


# -- coherence: columns that describe one thing agree inside each row -------------------------

_POSTAL = {
    "US": r"\d{5}",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}",
    "DE": r"\d{5}",
    "FR": r"\d{5}",
    "ES": r"\d{5}",
    "IT": r"\d{5}",
    "NL": r"[1-9]\d{3} ?[A-Z]{2}",
    "BE": r"\d{4}",
    "DK": r"\d{4}",
    "IS": r"\d{3}",
    "FI": r"\d{5}",
    "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d",
    "AU": r"\d{4}",
    "BR": r"\d{5}-?\d{3}",
    "JP": r"\d{3}-?\d{4}",
    "PL": r"\d{2}-\d{3}",
    "CZ": r"\d{3} ?\d{2}",
    "SK": r"\d{3} ?\d{2}",
    "SE": r"\d{3} ?\d{2}",
    "AT": r"\d{4}",
    "CH": r"\d{4}",
    "HU": r"\d{4}",
    "TR": r"\d{5}",
    "RU": r"\d{6}",
    "UA": r"\d{5}",
    "KZ": r"\d{6}|[A-Z]\d{2}[A-Z]\d[A-Z]\d",
    "CN": r"\d{6}",
    "KR": r"\d{5}",
    "EE": r"\d{5}",
    "HR": r"\d{5}",
    "GR": r"\d{3} ?\d{2}",
    "MX": r"\d{5}",
    "PT": r"\d{4}-\d{3}",
    "NO": r"\d{4}",
    "AZ": r"(AZ ?)?\d{4}",
}
"""Postal code formats (Universal Postal Union addressing guides) of countries an address may
be in; an address in another country fails the judge."""

_BOXES = {
    "US": (25.0, 49.0, -124.5, -67.0),
    "GB": (50.0, 58.6, -7.6, 1.8),
    "DE": (47.3, 55.0, 5.9, 15.0),
    "FR": (41.3, 51.1, -5.2, 9.6),
    "ES": (36.0, 43.8, -9.3, 3.3),
    "IT": (36.6, 47.1, 6.6, 18.5),
    "NL": (50.75, 53.55, 3.35, 7.23),
    "BE": (49.5, 51.5, 2.5, 6.4),
    "DK": (54.5, 57.8, 8.0, 15.2),
    "IS": (63.3, 66.6, -24.6, -13.5),
    "FI": (59.7, 70.1, 20.5, 31.6),
    "CA": (41.7, 70.0, -141.0, -52.6),
    "AU": (-43.7, -10.7, 113.2, 153.6),
    "BR": (-33.8, 5.3, -73.99, -34.8),
    "JP": (24.0, 45.6, 122.9, 154.0),
    "PL": (49.0, 54.84, 14.12, 24.15),
    "CZ": (48.55, 51.06, 12.09, 18.86),
    "SK": (47.73, 49.61, 16.83, 22.57),
    "SE": (55.3, 69.1, 11.0, 24.2),
    "AT": (46.37, 49.02, 9.53, 17.16),
    "CH": (45.82, 47.81, 5.96, 10.49),
    "HU": (45.74, 48.59, 16.11, 22.9),
    "TR": (35.8, 42.1, 25.6, 44.8),
    "RU": (41.2, 81.9, 19.6, 180.0),
    "UA": (44.38, 52.38, 22.14, 40.23),
    "KZ": (40.56, 55.44, 46.49, 87.36),
    "CN": (18.1, 53.6, 73.5, 134.8),
    "KR": (33.1, 38.6, 124.6, 131.9),
    "EE": (57.5, 59.7, 21.8, 28.2),
    "HR": (42.4, 46.55, 13.5, 19.45),
    "GR": (34.8, 41.75, 19.4, 29.65),
    "MX": (14.5, 32.7, -118.4, -86.7),
    "PT": (36.96, 42.15, -9.5, -6.19),
    "NO": (57.97, 71.2, 4.6, 31.1),
    "AZ": (38.39, 41.9, 44.77, 50.4),
}
"""Each country's bounding box (south, north, west, east; the mainland where islands lie far)."""


def state_of(code: str, value: str) -> bool:
    """`value` names a subdivision of the country: its ISO 3166-2 code (with or without the
    country prefix), its name, or its name in the country's languages (iso-codes
    translations shipped with pycountry)."""
    return value in _state_names(code)


@functools.cache
def _state_names(code: str) -> frozenset[str]:
    subs = list(pycountry.subdivisions.get(country_code=code) or ())
    out = {s.code for s in subs} | {s.code.split("-", 1)[1] for s in subs} | {s.name for s in subs}
    country = pycountry.countries.get(alpha_2=code)
    for lang in _languages_of(code if country is None else country.alpha_2):
        try:
            tr = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            continue
        out |= {tr.gettext(s.name) for s in subs}
    return frozenset(out)


def _languages_of(code: str) -> list[str]:
    """The languages a country's addresses are written in (for subdivision names)."""
    spoken = {"CH": ["de", "fr", "it"], "BE": ["nl", "fr"], "AT": ["de"], "BR": ["pt_BR", "pt"]}
    lang = {"US": "en", "GB": "en", "CA": "en", "AU": "en", "DK": "da", "SE": "sv", "CZ": "cs",
            "UA": "uk", "KZ": "kk", "KR": "ko", "CN": "zh_CN", "JP": "ja", "EE": "et", "GR": "el",
            "MX": "es", "AZ": "az", "NO": "nb"}  # fmt: skip
    return spoken.get(code, [lang.get(code, code.lower())])


_BRANDS = {
    "visa": r"4\d{15}",
    "mastercard": r"(5[1-5]\d{2}|2(2[2-9]\d|[3-6]\d\d|7[01]\d|720))\d{12}",
    "american express": r"3[47]\d{13}",
    "discover": r"6(011|5\d\d)\d{12}",
}


def _same_country_address(row: dict[str, Any]) -> bool:
    code = row["country"]
    if code not in _POSTAL:
        return False
    postal, state = row["postal_code"], row["state"]
    if postal is not None and not re.fullmatch(_POSTAL[code], postal):
        return False
    if state is not None and not state_of(code, state):
        return False
    if row["latitude"] is None or row["longitude"] is None:
        return True
    south, north, west, east = _BOXES[code]
    return south <= float(row["latitude"]) <= north and west <= float(row["longitude"]) <= east


def _postal_of(code: str | None, postal: str | None) -> bool:
    return postal is None or (code in _POSTAL and re.fullmatch(_POSTAL[code], postal) is not None)


def _phone_of(code: str | None, phone: str | None) -> bool:
    if phone is None or code is None:
        return True
    return phonenumbers.region_code_for_number(phonenumbers.parse(phone, None)) == code


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _card(row: dict[str, Any]) -> bool:
    number = (row["card_number"] or "").replace(" ", "")
    if not number:
        return row["card_last4"] is None
    brand = (row["card_brand"] or "").lower()
    tail_ok = row["card_last4"] is None or number.endswith(row["card_last4"])
    brand_ok = not brand or re.fullmatch(_BRANDS.get(brand, "x"), number) is not None
    return tail_ok and brand_ok


def _file(name: str, ext: str | None, mime: str | None) -> bool:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext is not None and ext.lstrip(".").lower() != suffix:
        return False
    return mime is None or _MIME.guess_type(name, strict=False)[0] == mime


_FILE_BYTES = {
    "image": (1e3, 50e6),
    "video": (100e3, 10e9),
    "audio": (10e3, 500e6),
    "text": (1, 10e6),
    "application": (100, 2e9),
}
"""Bytes a file of each top-level MIME type plausibly weighs (a 3-byte photo or a 5 GB text
file is not a file anyone uploads)."""


def _size_of(mime: str | None, size: int | None) -> bool:
    if mime is None or size is None:
        return True
    low, high = _FILE_BYTES.get(mime.split("/")[0], (1, 10e9))
    return low <= size <= high


def _expires_after(born: dt.datetime, year: int, month: int) -> bool:
    """A card expiring at the end of `month` of `year` was valid when the row was made and
    for at most six years after."""
    end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return born.date() <= end <= born.date() + dt.timedelta(days=round(6 * 365.25))


def _expiry_text(born: dt.datetime, text: str | None) -> bool:
    if text is None:
        return True
    month, year = text.split("/")
    return _expires_after(born, int(year) + (2000 if len(year) == 2 else 0), int(month))


def _names(first: str, last: str, full: str | None) -> bool:
    return full is None or full == f"{first} {last}"


def _email_of(first: str, last: str, email: str | None) -> bool:
    """The address names the person: their first or last name is in its local part."""
    if email is None:
        return True
    local = re.sub(r"[^a-z]", "", email.split("@")[0].lower())
    parts = [re.sub(r"[^a-z]", "", p.lower()) for p in (first, last)]
    return all(p and p in local for p in parts)


def _currency_of(code: str | None, currency: str) -> bool:
    """The currency is the one the country uses now (CLDR, through Babel)."""
    return code is None or get_territory_currencies(code, tender=True)[:1] == [currency]


def _minor_units(currency: str, *amounts: Decimal | None) -> bool:
    """No amount has more decimals than the currency's amounts use (CLDR: JPY none)."""
    digits = get_currency_precision(currency)
    return all(a is None or a == round(a, digits) for a in amounts)


def _adds_up(r: dict[str, Any]) -> bool:
    def v(c: str) -> Decimal:
        return r[c] if r[c] is not None else Decimal(0)

    return v("subtotal") + v("tax") + v("shipping_fee") - v("discount") == r["total"]


@dataclass(frozen=True)
class Rule:
    """A coherence rule over some columns of a fixture table."""

    table: str
    name: str
    columns: tuple[str, ...]
    holds: Callable[[dict[str, Any]], bool] = field(repr=False)


_ORDER_MONEY = ("subtotal", "tax", "shipping_fee", "discount", "total")

RULES: list[Rule] = [
    Rule(
        "orders",
        "currency is the shipping country's",
        ("shipping_country", "currency"),
        lambda r: _currency_of(r["shipping_country"], r["currency"]),
    ),
    Rule(
        "orders",
        "amounts in the currency's minor units",
        ("currency", *_ORDER_MONEY),
        lambda r: _minor_units(r["currency"], *(r[c] for c in _ORDER_MONEY)),
    ),
    Rule("orders", "subtotal + tax + shipping - discount = total", _ORDER_MONEY, _adds_up),
    Rule(
        "products",
        "price in the currency's minor units",
        ("currency", "price"),
        lambda r: _minor_units(r["currency"], r["price"]),
    ),
    Rule(
        "order_items",
        "quantity x unit price = line total",
        ("quantity", "unit_price", "line_total"),
        lambda r: r["quantity"] * r["unit_price"] == r["line_total"],
    ),
    Rule(
        "users",
        "full name is first + last",
        ("first_name", "last_name", "full_name"),
        lambda r: _names(r["first_name"], r["last_name"], r["full_name"]),
    ),
    Rule(
        "users",
        "email names the person",
        ("first_name", "last_name", "email"),
        lambda r: _email_of(r["first_name"], r["last_name"], r["email"]),
    ),
    Rule(
        "users",
        "username names the person",
        ("first_name", "last_name", "username"),
        lambda r: (
            _ascii(r["first_name"]) in r["username"] or _ascii(r["last_name"]) in r["username"]
        ),
    ),
    Rule(
        "orders",
        "shipping postcode in the shipping country",
        ("shipping_country", "shipping_postcode"),
        lambda r: _postal_of(r["shipping_country"], r["shipping_postcode"]),
    ),
    Rule(
        "companies",
        "phone number in the company's country",
        ("country_code", "phone_number"),
        lambda r: _phone_of(r["country_code"], r["phone_number"]),
    ),
    Rule(
        "employees",
        "work email names the person",
        ("given_name", "family_name", "work_email"),
        lambda r: _email_of(r["given_name"], r["family_name"], r["work_email"]),
    ),
    Rule(
        "addresses",
        "postal code, state and coordinates in the address's country",
        ("country", "postal_code", "state", "latitude", "longitude"),
        _same_country_address,
    ),
    Rule(
        "payments",
        "last4 is the card's tail, brand its prefix",
        ("card_brand", "card_number", "card_last4"),
        _card,
    ),
    Rule(
        "files",
        "extension and MIME type follow the file name",
        ("file_name", "extension", "mime_type"),
        lambda r: _file(r["file_name"], r["extension"], r["mime_type"]),
    ),
    Rule(
        "files",
        "size plausible for the MIME type",
        ("mime_type", "size_bytes"),
        lambda r: _size_of(r["mime_type"], r["size_bytes"]),
    ),
    Rule(
        "media",
        "size plausible for the MIME type",
        ("content_type", "file_size"),
        lambda r: _size_of(r["content_type"], r["file_size"]),
    ),
    Rule(
        "payments",
        "card expires 0-6 years after the row was made",
        ("created_at", "card_expiry"),
        lambda r: _expiry_text(r["created_at"], r["card_expiry"]),
    ),
    Rule(
        "payment_methods",
        "card expires 0-6 years after the row was made",
        ("created_at", "exp_month", "exp_year"),
        lambda r: _expires_after(r["created_at"], r["exp_year"], r["exp_month"]),
    ),
    Rule(
        "media",
        "MIME type follows the file name",
        ("filename", "content_type"),
        lambda r: _file(r["filename"], None, r["content_type"]),
    ),
]


@dataclass(frozen=True)
class Spread:
    """A column's values spread as people's do: no value in more than `top` of the rows
    (time zones mostly 'UTC' is not a user base), at least `distinct` values."""

    table: str
    column: str
    top: float
    distinct: int


SPREADS: list[Spread] = [
    Spread("users", "time_zone", 0.6, 10),
    Spread("users", "locale", 0.6, 10),
    Spread("countries", "timezone", 0.6, 10),
    Spread("locales", "tz", 0.6, 10),
    # a full address (street, city, state name, postal code) exists in 9 of the 35 countries
    Spread("addresses", "country", 0.6, 5),
]


@dataclass
class Verdict:
    """How one concept (or rule) fared: values judged, values passing, a few failures."""

    judged: int = 0
    passed: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.passed / self.judged if self.judged else 0.0

    def add(self, ok: bool, shown: str) -> None:
        self.judged += 1
        self.passed += ok
        if not ok and len(self.failures) < 5:
            self.failures.append(shown)


def _safe(judge: Callable[[Any], bool], value: Any) -> bool:
    try:
        return bool(judge(value))
    except (TypeError, ValueError, AttributeError, ArithmeticError):
        return False


def judge_rows(rows: dict[str, list[dict[str, Any]]]) -> dict[str, Verdict]:
    """Verdicts per concept ('concept:NAME') and per rule ('rule:TABLE: NAME') over the rows of
    each fixture table (NULLs are not judged: whether a column is NULL is not its concept)."""
    out: dict[str, Verdict] = {}
    for table, columns in CONCEPTS.items():
        for column, concept in columns.items():
            verdict = out.setdefault(f"concept:{concept}", Verdict())
            judge = JUDGES[concept]
            for row in rows[table]:
                value = row[column]
                if value is not None:
                    verdict.add(_safe(judge, value), f"{table}.{column}={value!r}")
    for rule in RULES:
        verdict = out.setdefault(f"rule:{rule.table}: {rule.name}", Verdict())
        for row in rows[rule.table]:
            shown = ", ".join(f"{c}={row[c]!r}" for c in rule.columns)
            verdict.add(_safe(rule.holds, row), shown)
    for spread in SPREADS:
        verdict = out.setdefault(f"spread:{spread.table}.{spread.column}", Verdict())
        values = [r[spread.column] for r in rows[spread.table] if r[spread.column] is not None]
        counts = Counter(values).most_common()
        # the rows past the `top` share of the commonest value fail, or all if too few values
        excess = max(0, counts[0][1] - int(spread.top * len(values))) if counts else 0
        if len(counts) < spread.distinct:
            excess = len(values)
        verdict.judged, verdict.passed = len(values), len(values) - excess
        if excess:
            top = ", ".join(f"{v!r}: {n}" for v, n in counts[:3])
            verdict.failures.append(f"{len(counts)} values; commonest {top}")
    return out


def table_of(verdicts: dict[str, Verdict]) -> str:
    """The verdicts as a plain text table, worst first."""
    lines = [f"{'concept / rule':<72} {'judged':>7} {'pass':>7}  example failure"]
    for name, v in sorted(verdicts.items(), key=lambda kv: (kv[1].share, kv[0])):
        example = v.failures[0] if v.failures else ""
        lines.append(f"{name:<72} {v.judged:>7} {v.share:>7.1%}  {example[:90]}")
    return "\n".join(lines)
