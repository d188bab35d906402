"""Codes and identifiers kept as text: UUIDs, external ids, slugs, short codes, URNs, phone
extensions, and dates or epoch times an application stores in a text column."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fastseed.generate import hashing as h
from fastseed.generate import text
from fastseed.generate.concepts.kit import (
    char_matrix,
    from_matrix,
    from_utf8,
    hex_digit_matrix,
    pick,
    pick_utf8,
    strings,
)
from fastseed.generate.concepts.registry import Concept, Ctx, Made, register
from fastseed.generate.concepts.valid import matches

REFERENCE_SECONDS = 1782864000.0
"""2026-07-01T00:00:00Z: the fixed 'now' of generated times (kinds.temporal.REFERENCE_TIME)."""
_YEAR_S = 365.25 * 86400
_CODE = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CODE_LOWER = _CODE.lower()
"""The same draws as `_CODE`, in lower case (a URN's id)."""


def uuid_matrix(key: int, idx: h.I64) -> npt.NDArray[np.uint8]:
    """Version-4 shaped UUIDs as (rows, 36) ASCII bytes; the low 64 bits are a bijection of
    the index (unique)."""
    n = len(idx)
    words = np.empty((n, 2), dtype=">u8")
    words[:, 0] = (h.mix(key, idx) & np.uint64(~0xF000 & (2**64 - 1))) | np.uint64(0x4000)
    words[:, 1] = (h.mix(key + 17, idx) & np.uint64(~(0xC << 60) & (2**64 - 1))) | np.uint64(
        0x8 << 60
    )
    digits = np.empty((n, 33), dtype=np.uint8)
    digits[:, :32] = text.hex_bytes(words.view(np.uint8).reshape(n, 16))
    digits[:, 32] = ord("-")
    return digits[:, _UUID_LAYOUT]


_UUID_LAYOUT = np.array(
    [*range(8), 32, *range(8, 12), 32, *range(12, 16), 32, *range(16, 20), 32, *range(20, 32)]
)
"""Where each of the 36 characters comes from: a hex digit, or the dash in column 32."""


def uuid_text(key: int, idx: h.I64) -> list[str]:
    return strings(uuid_matrix(key, idx))


def _uuid(ctx: Ctx) -> Made:
    return from_matrix(lambda idx: uuid_matrix(ctx.key, idx), "uuid text", capacity=2**62)


def _external_id(ctx: Ctx) -> Made:
    """An id another system gave: a UUID when the column holds one, else hex."""
    if ctx.length is None or ctx.length >= 36:
        return _uuid(ctx)
    n = min(ctx.length, 24)
    return from_matrix(
        lambda idx: hex_digit_matrix(ctx.key, idx, n),
        f"external id ({n} hex digits)",
        capacity=1 << 62 if n >= 16 else 16**n,
    )


def _slug(ctx: Ctx) -> Made:
    words = ctx.pools.get("word")

    def fn(idx: h.I64) -> list[str]:
        a = pick(words, ctx.key, idx, 1)
        b = pick(words, ctx.key, idx, 2)
        return [
            "-".join(w.lower().replace(" ", "-").replace("'", "") for w in pair)
            for pair in zip(a, b, strict=True)
        ]

    return Made(fn, "slug")


def _code(ctx: Ctx) -> Made:
    """A word's first three letters in capitals, a dash, four digits: ABO-4821."""
    heads = text.from_strings([w[:3].upper() for w in ctx.pools.get("word")])

    def utf8(idx: h.I64) -> text.Utf8Array:
        nums = text.integers(h.integers(ctx.key + 5, idx, 1000, 9999))
        return text.concat([pick_utf8(heads, ctx.key, idx), text.constant("-", len(idx)), nums])

    return from_utf8(utf8, "code pattern")


def _urn(ctx: Ctx) -> Made:
    names = text.from_strings([w.lower().replace(" ", "-") for w in ctx.pools.get("word")])

    def utf8(idx: h.I64) -> text.Utf8Array:
        ids = char_matrix(ctx.key + 1, idx, _CODE_LOWER, 12)
        n = len(idx)
        return text.concat(
            [
                text.constant("urn:", n),
                pick_utf8(names, ctx.key, idx),
                text.constant(":", n),
                text.from_matrix(ids),
            ]
        )

    return from_utf8(utf8, "URN")


def _phone_extension(ctx: Ctx) -> Made:
    return from_utf8(
        lambda idx: text.integers(h.integers(ctx.key, idx, 100, 9999)), "phone extension"
    )


def _date_text(ctx: Ctx) -> Made:
    """A date or time kept as text: epoch milliseconds when the column is narrow and digits
    (char(15) in some XMPP servers), else an ISO 8601 date or timestamp."""
    n = ctx.length

    def seconds(idx: h.I64) -> h.F64:
        out: h.F64 = REFERENCE_SECONDS - h.uniform(ctx.key, idx) * 3 * _YEAR_S
        return out

    def days(idx: h.I64) -> npt.NDArray[np.uint8]:
        stamps = np.floor(seconds(idx) / 86400).astype(np.int64).astype("datetime64[D]")
        digits = _ascii_matrix(np.datetime_as_string(stamps), 10)  # YYYY-MM-DD
        return digits[:, [0, 1, 2, 3, 5, 6, 8, 9]] if n is not None and n < 10 else digits

    if n is not None and n < 13:
        return from_matrix(days, "ISO 8601 date text")
    if n is not None and n < 20:
        width = n

        def millis(idx: h.I64) -> text.Utf8Array:
            return text.integers((seconds(idx) * 1000).astype(np.int64), width=width)

        return from_utf8(millis, "epoch milliseconds text")

    def iso(idx: h.I64) -> npt.NDArray[np.uint8]:
        stamps = np.floor(seconds(idx)).astype(np.int64).astype("datetime64[s]")
        digits = _ascii_matrix(np.datetime_as_string(stamps), 19)  # YYYY-MM-DDTHH:MM:SS
        digits[:, 10] = ord(" ")  # as str(datetime) writes it
        return np.hstack([digits, np.full((len(idx), 1), ord("Z"), dtype=np.uint8)])

    return from_matrix(iso, "ISO 8601 timestamp text")


def _ascii_matrix(strings: np.ndarray, width: int) -> np.ndarray:
    """A numpy array of ASCII strings of one width as a (rows, width) byte matrix."""
    return strings.astype(f"S{width}").view(np.uint8).reshape(-1, width)


register(
    Concept("uuid", "codes", "uuid", (("uuid",), ("guid",), ("uuid", "id")), _uuid, min_len=36, valid=matches(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")),
    Concept("external_id", "codes", "external_id", (("id",), ("key",), ("external", "id"), ("ref",), ("ticket", "number"), ("instance", "id"), ("request", "id"), ("trace", "id"), ("correlation", "id"), ("node", "id"), ("service", "id"), ("pk",), ("sequence",), ("sign",), ("signature",), ("iv",), ("ak",), ("parent",), ("derived", "from"), ("derived", "from", "root"), ("root",)), _external_id, min_len=6, valid=matches(r"[0-9a-f]+(-[0-9a-f]+)*")),
    Concept("slug", "codes", "slug", (("slug",), ("permalink",), ("handle", "slug"), ("url", "key")), _slug, min_len=8, weight=1, valid=matches(r"\w+(-\w+)*")),
    Concept("code", "codes", "code", (("code",), ("short", "code"), ("promo", "code"), ("coupon",), ("coupon", "code"), ("voucher",)), _code, min_len=8, valid=matches(r"\w{1,3}-\d{4}")),
    Concept("urn", "codes", "urn", (("urn",), ("arn",)), _urn, min_len=20, valid=matches(r"urn:[^:\s]+:[0-9a-z]+")),
    Concept("phone_extension", "codes", "extension", (("extension",), ("phone", "extension"), ("ext",)), _phone_extension, min_len=4, needs=r"\b(phone|fax|mobile|cell)\b", valid=matches(r"\d{2,6}")),
    Concept("date_text", "codes", "date_text", (("date",), ("time",), ("day",), ("timestamp",), ("expire",), ("expiry", "time"), ("logtime",), ("log", "time"), ("at",), ("on",)), _date_text, min_len=8, valid=matches(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}:\d{2}Z)?|\d{8,19}")),
)  # fmt: skip
