"""Binary codecs for the types asyncpg can only move as text, so binary COPY works for them.

asyncpg 0.32 raises "no binary format encoder" in `copy_records_to_table` for tsvector,
money, macaddr, macaddr8 and citext; each gets an encoder here that takes fastseed's canonical
Python value (base.py) and a decoder that gives the same value back.
"""

from __future__ import annotations

import struct
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

# tsvector limits from src/include/tsearch/ts_type.h
_MAX_POS = 16383
_MAX_POSITIONS = 256
_MAX_LEXEME_BYTES = 2047
_WEIGHTS = {"A": 3, "B": 2, "C": 1, "D": 0}
_WEIGHT_LETTERS = {v: k for k, v in _WEIGHTS.items()}


def _parse_tsvector(text: str) -> dict[str, dict[int, int]]:
    """Lexeme → {position: weight}, following tsvectorin: quotes, backslash escapes, merging."""
    lexemes: dict[str, dict[int, int]] = {}
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        chars: list[str] = []
        if text[i] == "'":
            i += 1
            while i < n:
                ch = text[i]
                if ch == "\\" and i + 1 < n:
                    chars.append(text[i + 1])
                    i += 2
                elif ch == "'":
                    if i + 1 < n and text[i + 1] == "'":
                        chars.append("'")
                        i += 2
                    else:
                        i += 1
                        break
                else:
                    chars.append(ch)
                    i += 1
        else:
            while i < n and not text[i].isspace() and text[i] != ":":
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                chars.append(text[i])
                i += 1
        word = "".join(chars)
        positions = lexemes.setdefault(word, {}) if word else {}
        if i < n and text[i] == ":":
            i += 1
            while i < n and text[i].isdigit():
                start = i
                while i < n and text[i].isdigit():
                    i += 1
                pos = min(max(int(text[start:i]), 1), _MAX_POS)
                weight = 0
                if i < n and text[i].upper() in _WEIGHTS:
                    weight = _WEIGHTS[text[i].upper()]
                    i += 1
                positions[pos] = max(weight, positions.get(pos, 0))
                if i < n and text[i] == ",":
                    i += 1
    return lexemes


def encode_tsvector(value: str) -> bytes:
    """tsvectorsend's format: count, then per lexeme its bytes, NUL, npos, positions."""
    lexemes = _parse_tsvector(value)
    entries = sorted((w.encode(), p) for w, p in lexemes.items())
    out = [struct.pack("!i", len(entries))]
    for word, positions in entries:
        if len(word) > _MAX_LEXEME_BYTES:
            raise ValueError(f"tsvector lexeme longer than {_MAX_LEXEME_BYTES} bytes")
        # The server rejects misordered positions and keeps at most 256 per lexeme.
        kept = sorted(positions.items())[:_MAX_POSITIONS]
        out.append(word + b"\x00" + struct.pack("!H", len(kept)))
        out.extend(struct.pack("!H", (w << 14) | p) for p, w in kept)
    return b"".join(out)


def _quote_lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def decode_tsvector(data: bytes) -> str:
    (count,) = struct.unpack_from("!i", data, 0)
    at = 4
    parts: list[str] = []
    for _ in range(count):
        end = data.index(b"\x00", at)
        word = data[at:end].decode()
        (npos,) = struct.unpack_from("!H", data, end + 1)
        at = end + 3
        positions = struct.unpack_from(f"!{npos}H", data, at)
        at += 2 * npos
        text = _quote_lexeme(word)
        if positions:
            text += ":" + ",".join(
                f"{p & _MAX_POS}{_WEIGHT_LETTERS[p >> 14] if p >> 14 else ''}" for p in positions
            )
        parts.append(text)
    return " ".join(parts)


def _mac_bytes(value: str | bytes, size: int) -> bytes:
    if isinstance(value, bytes):
        raw = value
    else:
        digits = "".join(ch for ch in value if ch not in ":-. ")
        raw = bytes.fromhex(digits)
    if size == 8 and len(raw) == 6:
        # macaddr8 accepts a 6-byte address and stores it in EUI-64 form, as the server does.
        raw = raw[:3] + b"\xff\xfe" + raw[3:]
    if len(raw) != size:
        raise ValueError(f"invalid MAC address {value!r}: expected {size} bytes")
    return raw


def encode_macaddr(value: str | bytes) -> bytes:
    return _mac_bytes(value, 6)


def encode_macaddr8(value: str | bytes) -> bytes:
    return _mac_bytes(value, 8)


def decode_mac(data: bytes) -> str:
    return ":".join(f"{b:02x}" for b in data)


def money_codec(frac_digits: int) -> tuple[Any, Any]:
    """money travels as int8 in the currency's smallest unit (lc_monetary's fraction digits)."""
    quantum = Decimal(1).scaleb(-frac_digits)

    def encode(value: Decimal | int | float | str) -> bytes:
        amount = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_EVEN)
        return struct.pack("!q", int(amount.scaleb(frac_digits)))

    def decode(data: bytes) -> Decimal:
        return Decimal(struct.unpack("!q", data)[0]).scaleb(-frac_digits)

    return encode, decode


_CATALOG_REFERENCES = (
    "regclass", "regtype", "regproc", "regprocedure", "regoper", "regoperator",
    "regnamespace", "regrole", "regconfig", "regdictionary", "regcollation",
)  # fmt: skip


def encode_oid(value: int) -> bytes:
    """A reg* value as the OID it is on the wire."""
    return struct.pack("!I", int(value))


def decode_oid(data: bytes) -> int:
    return int(struct.unpack("!I", data)[0])


_QI_VAL, _QI_OPR, _OP_AND = 1, 2, 2


def encode_tsquery(value: str) -> bytes:
    """tsquery's binary form for a conjunction of quoted words ("'a' & 'b'"), the only form
    fastseed generates: the items in prefix order, each right operand before the left one,
    as tsqueryrecv reads them."""
    words = [w.strip()[1:-1].replace("''", "'") for w in value.split(" & ")]
    out = [struct.pack("!i", 2 * len(words) - 1)]
    operand = [struct.pack("!bbb", _QI_VAL, 0, 0) + w.encode() + b"\0" for w in reversed(words)]
    for item in operand[:-1]:
        out.append(struct.pack("!bb", _QI_OPR, _OP_AND))
        out.append(item)
    out.append(operand[-1])
    return b"".join(out)


def encode_hstore(value: dict[str, str | None]) -> bytes:
    """hstore_send's form: the pair count, then each key and value length-prefixed (-1: NULL)."""
    out = [struct.pack("!i", len(value))]
    for key, val in value.items():
        k = key.encode()
        out.append(struct.pack("!i", len(k)) + k)
        if val is None:
            out.append(struct.pack("!i", -1))
        else:
            v = str(val).encode()
            out.append(struct.pack("!i", len(v)) + v)
    return b"".join(out)


def decode_hstore(data: bytes) -> dict[str, str | None]:
    (count,) = struct.unpack_from("!i", data)
    at, out = 4, {}
    for _ in range(count):
        (n,) = struct.unpack_from("!i", data, at)
        key = data[at + 4 : at + 4 + n].decode()
        at += 4 + n
        (n,) = struct.unpack_from("!i", data, at)
        at += 4
        out[key] = None if n < 0 else data[at : at + n].decode()
        at += max(n, 0)
    return out


_LTREE_VERSION = b"\x01"


def encode_ltree(value: str) -> bytes:
    return _LTREE_VERSION + value.encode()


def decode_ltree(data: bytes) -> str:
    return data[1:].decode()


def encode_text(value: str) -> bytes:
    return value.encode()


def decode_text(data: bytes) -> str:
    return data.decode()


# money's fraction digits and the schema of each text-like extension type, read per connection.
SETUP_SQL = """
SELECT length(split_part((1::numeric::money)::numeric::text, '.', 2)) AS money_digits,
       ARRAY(SELECT n.nspname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE t.typname = 'citext' AND t.typtype = 'b') AS citext_schemas,
       ARRAY(SELECT n.nspname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE t.typname = 'hstore' AND t.typtype = 'b') AS hstore_schemas,
       ARRAY(SELECT n.nspname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE t.typname = 'ltree' AND t.typtype = 'b') AS ltree_schemas
"""


async def register_codecs(conn: Any) -> None:
    """Install the binary codecs on one connection (the pool's `init` hook)."""
    setup = await conn.fetchrow(SETUP_SQL)
    money_encode, money_decode = money_codec(setup["money_digits"])
    codecs: list[tuple[str, str, Any, Any]] = [
        ("tsvector", "pg_catalog", encode_tsvector, decode_tsvector),
        ("money", "pg_catalog", money_encode, money_decode),
        ("macaddr", "pg_catalog", encode_macaddr, decode_mac),
        ("macaddr8", "pg_catalog", encode_macaddr8, decode_mac),
    ]
    codecs += [("citext", schema, encode_text, decode_text) for schema in setup["citext_schemas"]]
    codecs += [
        ("hstore", schema, encode_hstore, decode_hstore) for schema in setup["hstore_schemas"]
    ]
    codecs += [("ltree", schema, encode_ltree, decode_ltree) for schema in setup["ltree_schemas"]]
    # asyncpg sends these as text only, which a binary COPY cannot carry
    codecs += [
        ("tsquery", "pg_catalog", encode_tsquery, decode_text),
    ]
    codecs += [(name, "pg_catalog", encode_oid, decode_oid) for name in _CATALOG_REFERENCES]
    for name, schema, encoder, decoder in codecs:
        await conn.set_type_codec(
            name, schema=schema, encoder=encoder, decoder=decoder, format="binary"
        )
