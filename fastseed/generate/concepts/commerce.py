"""Commerce and payment: companies, products (SKU, ISBN, EAN/UPC, titles, colours), orders
(order and tracking numbers), cards, bank accounts (IBAN, BIC), currencies' amounts' codes.

Check digits are computed with the real algorithms (kit.py); the columns of one card in a row
(brand, number, last 4 digits, expiry) come from the card's group key, so they agree.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fastseed.generate import hashing as h
from fastseed.generate import text as utf8
from fastseed.generate.concepts.codes import REFERENCE_SECONDS
from fastseed.generate.concepts.kit import (
    char_matrix,
    chars,
    digit_matrix,
    digit_strings,
    from_matrix,
    gs1_digits,
    iban_numbers,
    luhn_digits,
    pick,
    pick_utf8,
)
from fastseed.generate.concepts.registry import Concept, Ctx, Made, Maker, register
from fastseed.generate.concepts.valid import NAME, TEXT, gs1, iban, isbn10, luhn, matches, within
from fastseed.schema import Kind

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CODE = "0123456789" + _UPPER
_ISBN_GROUPS = [
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "7",
    "80",
    "81",
    "82",
    "83",
    "84",
    "85",
    "86",
    "87",
    "88",
    "89",
    "90",
    "91",
]

# (brand, prefixes, length): the issuer ranges of the major networks
_CARDS = [
    ("Visa", ("4",), 16),
    ("Mastercard", ("51", "52", "53", "54", "55", "2221", "2720"), 16),
    ("American Express", ("34", "37"), 15),
    ("Discover", ("6011", "65"), 16),
]
_CARD_WEIGHTS = np.array([0.5, 0.3, 0.12, 0.08])

# IBAN formats: country, then the BBAN as (count, 'n' digits | 'a' capitals | 'c' either)
_IBANS = [
    ("DE", ((8, "n"), (10, "n"))),
    ("FR", ((10, "n"), (11, "c"), (2, "n"))),
    ("NL", ((4, "a"), (10, "n"))),
    ("GB", ((4, "a"), (14, "n"))),
    ("AT", ((16, "n"),)),
    ("CH", ((5, "n"), (12, "c"))),
    ("IT", ((1, "a"), (10, "n"), (12, "c"))),
    ("PL", ((24, "n"),)),
]
_ALPHABETS = {"n": "0123456789", "a": _UPPER, "c": _CODE}
_YEAR_S = 365.25 * 86400
_INTEGER = frozenset({Kind.INTEGER})
_A_CARD = r"\b(card|pan)\b|\blast 4\b|\bexp(iry|iration)? (month|year)\b"
"""Other columns that make a bare `brand` a card's network (a saved payment method)."""


def _company(ctx: Ctx) -> Made:
    pool = ctx.pools.get("company")
    return Made(lambda idx: pick(pool, ctx.key, idx), "mimesis company", pool=pool)


def _product(ctx: Ctx) -> Made:
    pool = ctx.pools.get("product")
    return Made(lambda idx: pick(pool, ctx.key, idx), "mimesis product", pool=pool)


def _sku_head(word: str) -> str:
    return word[:3].upper().ljust(3, "X")


def _sku(ctx: Ctx) -> Made:
    """'ABC-0001F3': three capitals, then the row index in base 36 (distinct per row)."""
    words = ctx.pools.get("word")

    def fn(idx: h.I64) -> list[str]:
        head = [_sku_head(w) for w in pick(words, ctx.key, idx)]
        return [f"{a}-{_base36(int(i), 6)}" for a, i in zip(head, idx.tolist(), strict=True)]

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        head = pick_utf8(ctx.pools.utf8_form("word", "sku", _sku_head), ctx.key, idx)
        tail = utf8.integers(idx, _CODE.encode(), width=6)
        return utf8.concat([head, utf8.constant("-", len(idx)), tail])

    return Made(fn, "SKU (letters + row index)", capacity=36**6, utf8=encoded)


def _base36(i: int, width: int) -> str:
    out = ""
    while i or len(out) < width:
        i, r = divmod(i, 36)
        out = _CODE[r] + out
    return out


def _injective_body(ctx: Ctx, idx: h.I64, width: int) -> npt.NDArray[np.uint8]:
    """`width` digits per row that differ for every row index below 10**width (a
    permutation), as a digit matrix."""
    space = 10**width
    return digit_matrix(h.permute(ctx.key, idx % space, space), width)


def _with_gs1(body: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Digits and their GS1 check digit, as ASCII."""
    return np.hstack([body, gs1_digits(body)[:, None]]) + np.uint8(48)


def _ascii(text: str, n: int) -> npt.NDArray[np.uint8]:
    """The same ASCII text on n rows of a byte matrix."""
    return np.tile(np.frombuffer(text.encode(), dtype=np.uint8), (n, 1))


def _isbn13(ctx: Ctx) -> Made:
    # compact: hyphens belong at the registration group's ranges, which need their tables
    prefix = np.array([9, 7, 8], dtype=np.uint8)

    def matrix(idx: h.I64) -> npt.NDArray[np.uint8]:
        body = _injective_body(ctx, idx, 9)
        return _with_gs1(np.hstack([np.tile(prefix, (len(idx), 1)), body]))

    return from_matrix(matrix, "ISBN-13 (978 prefix, check digit)", capacity=10**9)


def _isbn10(ctx: Ctx) -> Made:
    def matrix(idx: h.I64) -> npt.NDArray[np.uint8]:
        body = _injective_body(ctx, idx, 9)
        total = (body.astype(np.int64) * np.arange(10, 1, -1)).sum(axis=1)
        check = (-total) % 11
        last = np.where(check == 10, ord("X"), check + 48).astype(np.uint8)
        return np.hstack([body + np.uint8(48), last[:, None]])

    return from_matrix(matrix, "ISBN-10 (mod 11 check digit)", capacity=10**9)


def _gs1(width: int, label: str) -> Maker:
    def make(ctx: Ctx) -> Made:
        # a GS1 prefix outside the restricted ranges (0/2 in front of EAN-13: in-store use)
        lead = np.array([0 if width == 12 else 4], dtype=np.uint8)

        def matrix(idx: h.I64) -> npt.NDArray[np.uint8]:
            body = _injective_body(ctx, idx, width - 2)
            return _with_gs1(np.hstack([np.tile(lead, (len(idx), 1)), body]))

        return from_matrix(matrix, f"{label} (GS1 check digit)", capacity=10 ** (width - 2))

    return make


def _order_number(ctx: Ctx) -> Made:
    prefix = "INV" if "invoice" in ctx.column.name.lower() else "ORD"
    room = 12 if ctx.length is None else ctx.length - len(prefix) - 1
    width = max(4, min(room, 10))

    def matrix(idx: h.I64) -> npt.NDArray[np.uint8]:
        number = digit_matrix(idx + 100001, width) + np.uint8(48)
        return np.hstack([_ascii(prefix + "-", len(idx)), number])

    return from_matrix(matrix, f"{prefix}- + sequence", capacity=10**width - 100001)


def _tracking(ctx: Ctx) -> Made:
    """UPS-style: '1Z', six capitals or digits, '03', eight digits (18 characters)."""

    def matrix(idx: h.I64) -> npt.NDArray[np.uint8]:
        head = char_matrix(ctx.key, idx, _CODE, 6)
        tail = digit_matrix(h.integers(ctx.key + 1, idx, 0, 10**8 - 1), 8) + np.uint8(48)
        n = len(idx)
        return np.hstack([_ascii("1Z", n), head, _ascii("03", n), tail])

    return from_matrix(matrix, "parcel tracking number")


def card_rows(ctx: Ctx, idx: h.I64) -> h.I64:
    return h.choose(ctx.group_key, idx, len(_CARDS), _CARD_WEIGHTS)


def card_numbers(ctx: Ctx, idx: h.I64) -> list[str]:
    """Each row's card number: a network prefix, random digits, the Luhn digit."""
    brand = card_rows(ctx, idx)
    which = h.integers(ctx.group_key + 2, idx, 0, 6)
    body = char_matrix(ctx.group_key + 1, idx, "0123456789", 18) - np.uint8(48)
    out = [""] * len(idx)
    for b, (_, prefixes, length) in enumerate(_CARDS):
        for w, p in enumerate(prefixes):
            rows = np.flatnonzero((brand == b) & (which % len(prefixes) == w))
            if not len(rows):
                continue
            head = np.tile(np.array([int(c) for c in p], dtype=np.uint8), (len(rows), 1))
            partial = np.hstack([head, body[rows, : length - 1 - len(p)]])
            numbers = digit_strings(np.hstack([partial, luhn_digits(partial)[:, None]]))
            for r, number in zip(rows.tolist(), numbers, strict=True):
                out[r] = number
    return out


_BRANDS = utf8.from_strings([brand for brand, _, _ in _CARDS])


def _card_brand(ctx: Ctx) -> Made:
    return Made(
        lambda idx: [_CARDS[b][0] for b in card_rows(ctx, idx).tolist()],
        "card network of the row's card",
        utf8=lambda idx: _BRANDS.take(card_rows(ctx, idx)),
    )


def _card_number(ctx: Ctx) -> Made:
    return Made(lambda idx: card_numbers(ctx, idx), "card number (network prefix, Luhn)")


def _card_last4(ctx: Ctx) -> Made:
    return Made(
        lambda idx: [n[-4:] for n in card_numbers(ctx, idx)], "last 4 digits of the row's card"
    )


def expiry_months(ctx: Ctx, idx: h.I64) -> h.I64:
    """Each row's card expiry as months since January 1970: one to five years after the
    month of the row's birth (a card is issued when the row is made, for up to five years),
    or, in a table without a birth, after a month of the three years before the reference
    time."""
    born = ctx.birth(idx) if ctx.birth is not None else np.full(len(idx), np.nan)
    back = h.uniform(ctx.group_key + 5, idx) * 3 * _YEAR_S
    born = np.where(np.isnan(born), REFERENCE_SECONDS - back, born)
    month: h.I64 = born.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    return month + h.integers(ctx.group_key + 3, idx, 13, 60)


def _card_expiry(ctx: Ctx) -> Made:
    long = ctx.length is not None and ctx.length >= 7

    def fn(idx: h.I64) -> list[str]:
        months = expiry_months(ctx, idx)
        year, month = (months // 12 + 1970).tolist(), (months % 12 + 1).tolist()
        if long:
            return [f"{m:02d}/{y}" for m, y in zip(month, year, strict=True)]
        return [f"{m:02d}/{y % 100:02d}" for m, y in zip(month, year, strict=True)]

    return Made(
        fn, f"card expiry {'MM/YYYY' if long else 'MM/YY'}, 1-5 years after the row's birth"
    )


def _expiry_month(ctx: Ctx, idx: h.I64, low: float, high: float) -> h.F64:
    out: h.F64 = (expiry_months(ctx, idx) % 12 + 1).astype(np.float64)
    return out


def _expiry_year(ctx: Ctx, idx: h.I64, low: float, high: float) -> h.F64:
    """The four-digit year, or its last two digits where the column cannot hold four."""
    year = expiry_months(ctx, idx) // 12 + 1970
    out: h.F64 = (year % 100 if high < 1000 else year).astype(np.float64)
    return out


def bank_rows(ctx: Ctx, idx: h.I64) -> h.I64:
    return h.choose(ctx.group_key + 11, idx, len(_IBANS))


def _iban(ctx: Ctx) -> Made:
    def fn(idx: h.I64) -> list[str]:
        which = bank_rows(ctx, idx)
        out = [""] * len(idx)
        for k, (country, layout) in enumerate(_IBANS):
            rows = np.flatnonzero(which == k)
            if not len(rows):
                continue
            parts = [
                char_matrix(ctx.key + 13 * j, idx[rows], _ALPHABETS[a], n)
                for j, (n, a) in enumerate(layout)
            ]
            for r, value in zip(
                rows.tolist(), iban_numbers(country, np.hstack(parts)), strict=True
            ):
                out[r] = value
        return out

    return Made(fn, "IBAN (ISO 13616 mod 97)")


def _bic(ctx: Ctx) -> Made:
    eleven = ctx.length is None or ctx.length >= 11

    def fn(idx: h.I64) -> list[str]:
        country = [_IBANS[k][0] for k in bank_rows(ctx, idx).tolist()]
        bank = chars(ctx.key, idx, _UPPER, 4)
        place = chars(ctx.key + 1, idx, _UPPER + "23456789", 2)
        branch = chars(ctx.key + 2, idx, _CODE, 3) if eleven else [""] * len(idx)
        return [
            f"{b}{c}{p}{'XXX' if br.startswith('X') else br}"
            for b, c, p, br in zip(bank, country, place, branch, strict=True)
        ]

    return Made(fn, "BIC (bank, country, location)")


def _transaction(ctx: Ctx) -> Made:
    n = 24 if ctx.length is None else max(8, min(ctx.length, 32))

    return from_matrix(
        lambda idx: char_matrix(ctx.key, idx, _CODE, n), f"transaction reference ({n} characters)"
    )


def _hex_color(ctx: Ctx) -> Made:
    def matrix(idx: h.I64) -> npt.NDArray[np.uint8]:
        digits = utf8.hex_matrix(h.mix(ctx.key, idx))[:, 10:]  # the low 24 bits
        return np.hstack([_ascii("#", len(idx)), digits])

    return from_matrix(matrix, "hex colour #rrggbb")


def _color_name(ctx: Ctx) -> Made:
    pool = ctx.pools.get("color")
    return Made(lambda idx: pick(pool, ctx.key, idx), "mimesis colour name", pool=pool)


def _version(ctx: Ctx) -> Made:
    def parts(idx: h.I64) -> list[h.I64]:
        spans = (9, 30, 50)
        return [h.integers(ctx.key + k, idx, 0, top) for k, top in enumerate(spans)]

    def fn(idx: h.I64) -> list[str]:
        a, b, c = (p.tolist() for p in parts(idx))
        return [f"{x}.{y}.{z}" for x, y, z in zip(a, b, c, strict=True)]

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        a, b, c = (utf8.integers(p) for p in parts(idx))
        dot = utf8.constant(".", len(idx))
        return utf8.concat([a, dot, b, dot, c])

    return Made(fn, "semantic version", utf8=encoded)


register(
    Concept("company", "commerce", "company", (("company",), ("company", "name"), ("organization",), ("organisation",), ("organization", "name"), ("employer",), ("org", "name"), ("business", "name"), ("vendor", "name"), ("supplier", "name"), ("publisher",), ("manufacturer",), ("brand",), ("brand", "name"), ("shipper", "name")), _company, min_len=8, valid=TEXT),
    Concept("company", "commerce", "company", (("name",), ("title",)), _company, min_len=8, tables=r"compan|supplier|vendor|shipper|organi[sz]ation|publisher|brand|manufacturer|merchant|tenant|partner|carrier|bank", exact=True, valid=TEXT),
    Concept("product", "commerce", "product", (("product",), ("product", "name"), ("item", "name"), ("good",), ("article",), ("product", "title")), _product, min_len=8, valid=TEXT),
    Concept("product", "commerce", "product", (("name",), ("title",)), _product, min_len=8, tables=r"product|item|article|sku|catalog|good|merchandise|offer", exact=True, valid=TEXT),
    Concept("sku", "commerce", "sku", (("sku",), ("stock", "code"), ("article", "number"), ("item", "number"), ("product", "code"), ("part", "number"), ("model", "number")), _sku, min_len=10, valid=matches(r"[A-Z0-9]+(-[A-Z0-9]+)+")),
    Concept("isbn13", "commerce", "isbn", (("isbn",), ("isbn13",), ("isbn", "13")), _isbn13, min_len=13, valid=gs1(13)),
    Concept("isbn10", "commerce", "isbn", (("isbn10",), ("isbn", "10"), ("isbn",)), _isbn10, min_len=10, max_len=12, weight=1, valid=isbn10),
    Concept("ean13", "commerce", "ean", (("ean",), ("ean13",), ("gtin",), ("barcode",), ("ean", "code"), ("gtin13",), ("ean", "13")), _gs1(13, "EAN-13"), min_len=13, valid=gs1(13)),
    Concept("upc", "commerce", "ean", (("upc",), ("upc", "code"), ("upca",)), _gs1(12, "UPC-A"), min_len=12, valid=gs1(12)),
    Concept("ean8", "commerce", "ean", (("ean8",), ("ean", "8"), ("ean",), ("barcode",)), _gs1(8, "EAN-8"), min_len=8, max_len=8, weight=1, valid=gs1(8)),
    Concept("order_number", "commerce", "order_number", (("order", "number"), ("order", "no"), ("order", "reference"), ("order", "ref"), ("invoice", "number"), ("invoice", "no"), ("order", "code"), ("confirmation", "number"), ("booking", "reference"), ("booking", "number")), _order_number, min_len=9, valid=matches(r"[A-Z]{2,4}-?\d{4,}")),
    Concept("tracking_number", "commerce", "tracking_number", (("tracking", "number"), ("tracking",), ("tracking", "code"), ("tracking", "id"), ("tracking", "no"), ("waybill",), ("awb",), ("shipment", "number")), _tracking, min_len=18, valid=matches(r"[0-9A-Z]{10,34}")),
    Concept("card_brand", "commerce", "card_brand", (("card", "brand"), ("card", "type"), ("card", "network"), ("card", "scheme"), ("card", "issuer")), _card_brand, min_len=16, group="card", valid=matches(r"[A-Z][A-Za-z ]+")),
    Concept("card_brand", "commerce", "card_brand", (("brand",), ("network",), ("scheme",)), _card_brand, min_len=16, group="card", exact=True, weight=1, needs=_A_CARD, valid=matches(r"[A-Z][A-Za-z ]+")),
    Concept("card_number", "commerce", "card_number", (("card", "number"), ("card", "no"), ("pan",), ("credit", "card"), ("card", "num"), ("credit", "card", "number")), _card_number, min_len=16, group="card", valid=luhn),
    Concept("card_last4", "commerce", "card_last4", (("last", "4"), ("card", "last", "4"), ("last", "four"), ("last", "digit"), ("card", "suffix"), ("pan", "last", "4")), _card_last4, min_len=4, group="card", weight=1, valid=matches(r"\d{4}")),
    Concept("card_expiry", "commerce", "card_expiry", (("card", "expiry"), ("expiry",), ("card", "expiration"), ("expiration",), ("exp", "date"), ("card", "exp"), ("expiry", "date"), ("valid", "thru")), _card_expiry, min_len=5, group="card", valid=matches(r"(0[1-9]|1[0-2])/(\d{2}|\d{4})")),
    Concept("card_expiry_month", "commerce", "card_expiry", (("exp", "month"), ("expiry", "month"), ("expiration", "month"), ("expire", "month"), ("card", "exp", "month")), None, group="card", kinds=_INTEGER, span=(1, 12), weight=1, valid=within(1, 12), placed=_expiry_month),
    Concept("card_expiry_year", "commerce", "card_expiry", (("exp", "year"), ("expiry", "year"), ("expiration", "year"), ("expire", "year"), ("card", "exp", "year")), None, group="card", kinds=_INTEGER, span=(0, 2100), weight=1, valid=within(0, 2100), placed=_expiry_year),
    Concept("iban", "commerce", "iban", (("iban",), ("bank", "account"), ("account", "iban"), ("iban", "number")), _iban, min_len=32, group="bank", valid=iban),
    Concept("bic", "commerce", "bic", (("bic",), ("swift",), ("swift", "code"), ("bic", "code"), ("bank", "code")), _bic, min_len=8, max_len=11, group="bank", valid=matches(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?")),
    Concept("transaction_id", "commerce", "transaction_id", (("transaction", "id"), ("transaction", "ref"), ("transaction", "reference"), ("payment", "reference"), ("charge", "id"), ("payment", "id"), ("txn", "id"), ("txid",), ("xid",), ("trade", "no")), _transaction, min_len=8, valid=matches(r"[0-9A-Za-z-]{8,}")),
    Concept("hex_color", "commerce", "color", (("colour",), ("color",), ("hex",), ("hex", "color"), ("hex", "colour"), ("color", "code"), ("colour", "code"), ("rgb",), ("rgb", "color"), ("background",), ("foreground",)), _hex_color, min_len=7, max_len=7, valid=matches(r"#[0-9a-fA-F]{6}")),
    Concept("hex_color", "commerce", "color", (("hex",), ("hex", "color"), ("hex", "colour"), ("rgb",), ("rgb", "color"), ("rgb", "colour"), ("color", "hex"), ("color", "code")), _hex_color, min_len=7, weight=1, valid=matches(r"#[0-9a-fA-F]{6}")),
    Concept("color_name", "commerce", "color", (("colour",), ("color",), ("colour", "name"), ("color", "name")), _color_name, min_len=8, valid=NAME),
    Concept("color_name", "commerce", "color", (("name",),), _color_name, min_len=8, tables=r"colou?r", exact=True, valid=NAME),
    Concept("version", "commerce", "version", (("version",), ("release",), ("app", "version"), ("schema", "version"), ("semver",)), _version, min_len=5, valid=matches(r"\d+(\.\d+){1,3}")),
)  # fmt: skip
