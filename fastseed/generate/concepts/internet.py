"""The internet: URLs, host names, IP and MAC addresses, user agents, tokens, hashes,
password hashes, session ids, XMPP addresses. The column's length picks the form: an IP
column of 15 characters holds IPv4, one of 39 or more holds either family."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from mimesis.datasets import USER_AGENTS

from fastseed.generate import hashing as h
from fastseed.generate import text as utf8
from fastseed.generate.concepts.kit import (
    char_matrix,
    from_matrix,
    hex_digit_matrix,
    listed_utf8,
    pick,
    pick_utf8,
)
from fastseed.generate.concepts.registry import Concept, Ctx, Made, Maker, register
from fastseed.generate.concepts.valid import hex_text, ip, matches

_BCRYPT = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_B64URL = _B62 + "-_"
_PATHS = ["", "about", "blog", "products", "docs", "pricing", "contact", "news", "help", "careers"]
_AGENTS = sorted(set(USER_AGENTS))


def _url(ctx: Ctx) -> Made:
    hosts = ctx.pools.get("hostname")

    def fn(idx: h.I64) -> list[str]:
        host = pick(hosts, ctx.key, idx, 1)
        path = pick(_PATHS, ctx.key, idx, 2, skew=True)
        return [f"https://{a}/{p}" for a, p in zip(host, path, strict=True)]

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        host = pick_utf8(ctx.pools.utf8("hostname"), ctx.key, idx, 1)
        path = listed_utf8(_PATHS, ctx.key, idx, 2, skew=True)
        return utf8.concat([_const("https://", idx), host, _const("/", idx), path])

    return Made(fn, "https URL on a mimesis host name", utf8=encoded)


def _const(value: str, idx: h.I64) -> utf8.Utf8Array:
    return utf8.constant(value, len(idx))


def _hostname(ctx: Ctx) -> Made:
    pool = ctx.pools.get("hostname")
    return Made(lambda idx: pick(pool, ctx.key, idx), "mimesis host name", pool=pool)


def _ipv4_octets(idx: h.I64, key: int) -> list[h.U64]:
    # public unicast space: first octet 1-223 without 10, 127 (private, loopback)
    v = h.mix(key, idx)
    first = (v >> np.uint64(24)) % np.uint64(222) + np.uint64(1)
    first = np.where((first == 10) | (first == 127), first + np.uint64(1), first)
    return [first, *((v >> np.uint64(s)) & np.uint64(255) for s in (16, 8, 0))]


def _ipv4(idx: h.I64, key: int) -> list[str]:
    w, x, y, z = (octet.tolist() for octet in _ipv4_octets(idx, key))
    return [f"{a}.{b}.{c}.{d}" for a, b, c, d in zip(w, x, y, z, strict=True)]


def _ipv4_utf8(idx: h.I64, key: int) -> utf8.Utf8Array:
    dot = _const(".", idx)
    octets = [utf8.integers(octet.astype(np.int64)) for octet in _ipv4_octets(idx, key)]
    return utf8.concat([octets[0], dot, octets[1], dot, octets[2], dot, octets[3]])


def _ipv6_words(idx: h.I64, key: int) -> list[h.U64]:
    # global unicast 2000::/3, eight hextets without leading zeros (RFC 4291 text form)
    high = h.mix(key, idx)
    low = h.mix(key + 1, idx)
    first = np.uint64(0x2000) | (high >> np.uint64(51))
    words = [(high >> np.uint64(s)) & np.uint64(0xFFFF) for s in (32, 16, 0)]
    words += [(low >> np.uint64(s)) & np.uint64(0xFFFF) for s in (48, 32, 16, 0)]
    return [first, *words]


def _ipv6(idx: h.I64, key: int) -> list[str]:
    words = [w.tolist() for w in _ipv6_words(idx, key)]
    return [":".join(f"{w:x}" for w in row) for row in zip(*words, strict=True)]


_HEX = b"0123456789abcdef"


def _ipv6_utf8(idx: h.I64, key: int) -> utf8.Utf8Array:
    colon = _const(":", idx)
    parts = []
    for k, word in enumerate(_ipv6_words(idx, key)):
        parts += [colon] if k else []
        parts.append(utf8.integers(word.astype(np.int64), _HEX))
    return utf8.concat(parts)


def _ip(version: int | None) -> Maker:
    def make(ctx: Ctx) -> Made:
        n = ctx.length
        v4_only = version == 4 or (version is None and n is not None and n < 39)

        def fn(idx: h.I64) -> list[str]:
            if version == 6:
                return _ipv6(idx, ctx.key)
            four = _ipv4(idx, ctx.key)
            if v4_only:
                return four
            six = _ipv6(idx, ctx.key + 5)
            pick6 = (h.uniform(ctx.key + 9, idx) < 0.2).tolist()
            return [b if p else a for a, b, p in zip(four, six, pick6, strict=True)]

        def encoded(idx: h.I64) -> utf8.Utf8Array:
            if version == 6:
                return _ipv6_utf8(idx, ctx.key)
            four = _ipv4_utf8(idx, ctx.key)
            if v4_only:
                return four
            pick6 = h.uniform(ctx.key + 9, idx) < 0.2
            return utf8.choose_rows(pick6, _ipv6_utf8(idx, ctx.key + 5), four)

        label = {4: "IPv4 address", 6: "IPv6 address"}.get(
            version or 0, "IPv4 address" if v4_only else "IPv4 or IPv6 address"
        )
        return Made(fn, label, utf8=encoded)

    return make


def _mac(ctx: Ctx) -> Made:
    def matrix(idx: h.I64) -> npt.NDArray[np.uint8]:
        digits = utf8.hex_matrix(h.mix(ctx.key, idx))[:, 4:]  # the low 48 bits
        out = np.full((len(idx), 17), ord(":"), dtype=np.uint8)
        for k in range(6):
            out[:, 3 * k : 3 * k + 2] = digits[:, 2 * k : 2 * k + 2]
        return out

    return from_matrix(matrix, "MAC address")


def _user_agent(ctx: Ctx) -> Made:
    pool = [a for a in _AGENTS if ctx.length is None or len(a) <= ctx.length] or _AGENTS
    return Made(lambda idx: pick(pool, ctx.key, idx), "mimesis user agent", pool=pool)


def _hex(width: int, label: str) -> Maker:
    def make(ctx: Ctx) -> Made:
        n = width if ctx.length is None else min(width, ctx.length)
        return from_matrix(
            lambda idx: hex_digit_matrix(ctx.key, idx, n),
            f"{label} ({n} hex digits)",
            capacity=1 << 62 if n >= 16 else 16**n,
        )

    return make


def _token(ctx: Ctx) -> Made:
    """Hex as long as the column (a char(40) token is 40 digits: no padding), 32 if open."""
    n = 32 if ctx.length is None else min(ctx.length, 64)
    return from_matrix(
        lambda idx: hex_digit_matrix(ctx.key, idx, n),
        f"token ({n} hex digits)",
        capacity=1 << 62 if n >= 16 else 16**n,
    )


def _session(ctx: Ctx) -> Made:
    n = 32 if ctx.length is None else min(ctx.length, 43)

    def matrix(idx: h.I64) -> npt.NDArray[np.uint8]:
        head = hex_digit_matrix(ctx.key, idx, 16)
        return np.hstack([head, char_matrix(ctx.key + 1, idx, _B64URL, n - 16)])

    return from_matrix(matrix, f"session id ({n} URL-safe characters)", capacity=1 << 62)


def _bcrypt(ctx: Ctx) -> Made:
    """'$2b$12$' + 22 salt + 31 hash characters of bcrypt's alphabet (60 in all). The salt's
    16 bytes fill 22 characters and the hash's 23 bytes 31, so the last character of each
    carries 2 and 4 bits: its unused low bits are 0 (a parser such as passlib rejects or
    repairs a string where they are not)."""

    def matrix(idx: h.I64) -> npt.NDArray[np.uint8]:
        cost = h.integers(ctx.key + 7, idx, 10, 12)
        out = np.empty((len(idx), 60), dtype=np.uint8)
        out[:, :4] = np.frombuffer(b"$2b$", dtype=np.uint8)
        out[:, 4] = ord("1")
        out[:, 5] = (cost % 10 + ord("0")).astype(np.uint8)
        out[:, 6] = ord("$")
        out[:, 7:28] = char_matrix(ctx.key, idx, _BCRYPT, 21)
        out[:, 28:29] = char_matrix(ctx.key + 2, idx, _BCRYPT[::16], 1)
        out[:, 29:59] = char_matrix(ctx.key + 3, idx, _BCRYPT, 30)
        out[:, 59:60] = char_matrix(ctx.key + 4, idx, _BCRYPT[::4], 1)
        return out

    return from_matrix(matrix, "bcrypt hash")


def _password(ctx: Ctx) -> Made:
    """A password as people type them (a plain-text column, a test fixture's own)."""
    n = 14 if ctx.length is None else min(ctx.length, 16)
    return from_matrix(
        lambda idx: char_matrix(ctx.key, idx, _B62 + "!#%&*+-=?@^_", n),
        f"password ({n} characters)",
    )


def _digest(ctx: Ctx) -> Made:
    """A hashed password where a bcrypt string does not fit: SHA-1 (40) or MD5 (32) hex."""
    n = 40 if ctx.length is None or ctx.length >= 40 else 32
    return from_matrix(
        lambda idx: hex_digit_matrix(ctx.key, idx, n), f"password digest ({n} hex digits)"
    )


def _port(ctx: Ctx) -> Made:
    common = ["443", "80", "8080", "8443", "3306", "5432", "6379", "9092", "27017", "9200"]
    return Made(
        lambda idx: pick(common, ctx.key, idx, skew=True), "port number", pool=common, skew=True
    )


def _jid(ctx: Ctx) -> Made:
    from fastseed.generate.concepts.person import ascii_word

    hosts = ctx.pools.get("hostname")
    first = ctx.pools.get("first_name")

    def fn(idx: h.I64) -> list[str]:
        users = pick(first, ctx.key, idx, 1)
        dom = pick(hosts, ctx.key, idx, 2)
        nums = h.integers(ctx.key + 3, idx, 1, 999).tolist()
        return [
            f"{ascii_word(u) or 'user'}{n}@{d}" for u, n, d in zip(users, nums, dom, strict=True)
        ]

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        users = ctx.pools.utf8_form(
            "first_name", "ascii-or-user", lambda u: ascii_word(u) or "user"
        )
        parts = [
            pick_utf8(users, ctx.key, idx, 1),
            utf8.integers(h.integers(ctx.key + 3, idx, 1, 999)),
            _const("@", idx),
            pick_utf8(ctx.pools.utf8("hostname"), ctx.key, idx, 2),
        ]
        return utf8.concat(parts)

    return Made(fn, "XMPP address (user@domain)", utf8=encoded)


register(
    Concept("url", "internet", "url", (("url",), ("website",), ("homepage",), ("home", "page"), ("link",), ("href",), ("web", "site"), ("referrer",), ("referer",), ("callback",), ("endpoint",), ("webhook",), ("site",), ("url", "path")), _url, min_len=12, valid=matches(r"https?://[^\s/]+(/\S*)?")),
    Concept("hostname", "internet", "hostname", (("host", "name"), ("hostname",), ("host",), ("domain",), ("domain", "name"), ("fqdn",), ("cname",), ("server", "name"), ("dns", "name"), ("subdomain",)), _hostname, min_len=8, valid=matches(r"([a-z0-9-]+\.)+[a-z]{2,}")),
    Concept("ip", "internet", "ip", (("ip",), ("ip", "address"), ("ip", "addr"), ("remote", "address"), ("client", "ip"), ("gateway",), ("netmask",), ("ip", "gateway"), ("ip", "netmask"), ("ip", "address", "v")), _ip(None), min_len=7, valid=ip()),
    Concept("ipv4", "internet", "ip", (("ipv4",), ("ip", "v4"), ("ipv4", "address")), _ip(4), min_len=7, weight=1, valid=ip(4)),
    Concept("ipv6", "internet", "ip", (("ipv6",), ("ip", "v6"), ("ipv6", "address")), _ip(6), min_len=15, weight=1, valid=ip(6)),
    Concept("mac", "internet", "mac", (("mac",), ("mac", "address"), ("mac", "addr"), ("hardware", "address")), _mac, min_len=17, valid=matches(r"([0-9a-f]{2}:){5}[0-9a-f]{2}")),
    Concept("user_agent", "internet", "user_agent", (("user", "agent"), ("agent",), ("browser",), ("req", "agent")), _user_agent, min_len=20, valid=matches(r"[\w.-]+/\S+.*")),
    Concept("token", "internet", "token", (("token",), ("api", "key"), ("api", "token"), ("access", "token"), ("refresh", "token"), ("secret",), ("access", "key"), ("secret", "key"), ("nonce",), ("auth", "key"), ("apikey",), ("sk",), ("ak",)), _token, min_len=16, valid=matches(r"[0-9A-Za-z_-]{8,}")),
    Concept("password_hash", "internet", "password_hash", (("password",), ("password", "hash"), ("hash",), ("secret", "hash"), ("encrypted", "password"), ("password", "digest"), ("hashed", "password"), ("crypted", "password"), ("pass", "hash")), _bcrypt, min_len=60, valid=matches(r"\$2[aby]\$\d{2}\$[./A-Za-z0-9]{21}[.Oeu][./A-Za-z0-9]{30}[.CGKOSWaeimquy26]")),
    Concept("password_digest", "internet", "password_hash", (("password",), ("password", "hash"), ("hash",), ("encrypted", "password"), ("password", "digest"), ("hashed", "password")), _digest, min_len=32, max_len=59, valid=hex_text(32)),
    Concept("password", "internet", "password_hash", (("password",), ("plain", "password"), ("passphrase",), ("pin",)), _password, min_len=8, max_len=31, valid=matches(r"\S{8,}")),
    Concept("port", "internet", "port", (("port",), ("port", "number")), _port, min_len=4, valid=matches(r"[1-9]\d{0,4}")),
    Concept("sha256", "internet", "hash", (("sha256",), ("checksum",), ("digest",), ("hash",), ("sha",), ("fingerprint",)), _hex(64, "SHA-256 digest"), min_len=64, valid=hex_text(64, 64)),
    Concept("sha1", "internet", "hash", (("sha1",), ("checksum",), ("digest",), ("hash",), ("fingerprint",)), _hex(40, "SHA-1 digest"), min_len=40, max_len=40, valid=hex_text(40, 40)),
    Concept("md5", "internet", "hash", (("md5",), ("md5", "checksum"), ("checksum",), ("digest",), ("hash",), ("etag",)), _hex(32, "MD5 digest"), min_len=32, max_len=32, valid=hex_text(32, 32)),
    Concept("md5", "internet", "hash", (("md5",),), _hex(32, "MD5 digest"), min_len=32, weight=1, valid=hex_text(32, 32)),
    Concept("salt", "internet", "hash", (("salt",), ("iv",), ("password", "salt")), _hex(32, "random salt"), min_len=8, valid=hex_text(8)),
    Concept("session_id", "internet", "session", (("session", "id"), ("session",), ("session", "key"), ("session", "token"), ("sid",)), _session, min_len=20, weight=1, valid=matches(r"[\w-]{16,}")),
    Concept("jid", "internet", "jid", (("jid",), ("bare", "jid"), ("full", "jid"), ("alternate", "jid")), _jid, min_len=12, valid=matches(r"[^@\s]+@[^@\s]+\.[^@\s]+")),
)  # fmt: skip
