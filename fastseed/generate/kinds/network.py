"""Identifiers and addresses: UUIDs, bytes, IPv4/IPv6 addresses and networks, MACs."""

from __future__ import annotations

import ipaddress
import uuid

from fastseed.generate import hashing as h
from fastseed.generate.kinds.base import BuilderBase, ColumnGen, Values


class Network(BuilderBase):
    """UUID, binary, inet, cidr and MAC address columns."""

    def _uuids(self, idx: h.I64) -> list[uuid.UUID]:
        """Version-4 shaped UUIDs; the low 64 bits are a bijection of the index (unique)."""
        high = h.mix(self.key, idx).tolist()
        low = h.mix(self.key + 17, idx).tolist()
        out = []
        for a, b in zip(high, low, strict=True):
            a = (a & ~0xF000) | 0x4000  # version 4
            b = (b & ~(0xC << 60)) | (0x8 << 60)  # RFC 4122 variant
            out.append(uuid.UUID(int=(a << 64) | b))
        return out

    def _kind_uuid(self) -> ColumnGen:
        # the variant bits take 2 of the 64 bijective bits: 2**62 distinct values remain
        label = "uuid v4" + (" (unique)" if self.unique else "")
        return ColumnGen(self._uuids, label, 2**62 if self.unique else None)

    def _kind_binary(self) -> ColumnGen:
        n = self.type.length
        size = min(n or 16, 16)
        fixed = self.type.fixed_length

        def fn(idx: h.I64) -> Values:
            if self.unique:  # the index itself, big-endian: unique by construction
                out = [int(i).to_bytes(8, "big")[-size:] for i in idx.tolist()]
            else:
                out = [
                    (int(a).to_bytes(8, "big") + int(b).to_bytes(8, "big"))[:size]
                    for a, b in zip(
                        h.mix(self.key, idx).tolist(),
                        h.mix(self.key + 1, idx).tolist(),
                        strict=True,
                    )
                ]
            if fixed and n:
                out = [v.rjust(n, b"\0") for v in out]
            return out

        return ColumnGen(fn, f"{size} bytes", 256 ** min(size, 7))

    def _kind_inet(self) -> ColumnGen:
        if self.type.sql.lower().startswith("inet6"):
            return self._ipv6()

        def fn(idx: h.I64) -> Values:
            if self.unique:
                return [ipaddress.IPv4Address(0x0A000000 + int(i)) for i in idx.tolist()]
            return [
                ipaddress.IPv4Address(0x0A000000 | (int(v) & 0xFFFFFF))
                for v in h.mix(self.key, idx).tolist()
            ]

        return ColumnGen(fn, "IPv4 address", 1 << 24)

    def _ipv6(self) -> ColumnGen:
        """Addresses in the documentation prefix 2001:db8::/32 (MariaDB's INET6 refuses IPv4)."""

        def fn(idx: h.I64) -> Values:
            src = idx.tolist() if self.unique else h.mix(self.key, idx).tolist()
            return [ipaddress.IPv6Address((0x20010DB8 << 96) | (int(v) & (2**64 - 1))) for v in src]

        return ColumnGen(fn, "IPv6 address", 1 << 62)

    def _kind_cidr(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            return [
                ipaddress.IPv4Network(((0x0A000000 | ((int(v) & 0xFFFF) << 8)), 24))
                for v in h.mix(self.key, idx).tolist()
            ]

        return ColumnGen(fn, "IPv4 /24 network", 1 << 16)

    def _kind_macaddr(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            src = idx.tolist() if self.unique else h.mix(self.key, idx).tolist()
            return [":".join(f"{(int(v) >> s) & 255:02x}" for s in range(40, -8, -8)) for v in src]

        return ColumnGen(fn, "MAC address", 1 << 48)
