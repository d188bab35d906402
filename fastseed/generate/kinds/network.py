"""Identifiers and addresses: UUIDs, bytes, IPv4/IPv6 addresses and networks, MACs.

Each is made as a (rows, width) matrix of its bytes (the raw form `batch.FROM_BYTES` reads);
the Python values of the list path are made from the same matrix."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fastseed.generate import hashing as h
from fastseed.generate.batch import from_bytes
from fastseed.generate.kinds.base import BuilderBase, ColumnGen

Matrix = Callable[[h.I64], np.ndarray]


def _big_endian(values: np.ndarray, width: int) -> np.ndarray:
    """Unsigned integers as (rows, width) bytes, most significant first (width <= 8)."""
    return values.astype(">u8").view(np.uint8).reshape(-1, 8)[:, 8 - width :]


class Network(BuilderBase):
    """UUID, binary, inet, cidr and MAC address columns."""

    def _bytes_gen(self, matrix: Matrix, label: str, capacity: int | None) -> ColumnGen:
        kind = self.type.kind
        return ColumnGen(lambda idx: from_bytes(kind, matrix(idx)), label, capacity, raw=matrix)

    def _uuid_matrix(self, idx: h.I64) -> np.ndarray:
        """Version-4 shaped UUIDs; the low 64 bits are a bijection of the index (unique)."""
        high = (h.mix(self.key, idx) & np.uint64(~0xF000 & (2**64 - 1))) | np.uint64(0x4000)
        variant = np.uint64(~(0xC << 60) & (2**64 - 1))  # RFC 4122 variant bits
        low = (h.mix(self.key + 17, idx) & variant) | np.uint64(0x8 << 60)
        return np.hstack([_big_endian(high, 8), _big_endian(low, 8)])

    def _kind_uuid(self) -> ColumnGen:
        # the variant bits take 2 of the 64 bijective bits: 2**62 distinct values remain
        label = "uuid v4" + (" (unique)" if self.unique else "")
        return self._bytes_gen(self._uuid_matrix, label, 2**62 if self.unique else None)

    def _kind_binary(self) -> ColumnGen:
        n = self.type.length
        size = min(n or 16, 16)
        # a fixed-length binary(n) holds its values padded with zero bytes before them
        pad = (
            max(0, n - (min(size, 8) if self.unique else size))
            if n and self.type.fixed_length
            else 0
        )

        def matrix(idx: h.I64) -> np.ndarray:
            if self.unique:  # the index itself, big-endian: unique by construction
                out = _big_endian(idx, min(size, 8))
            else:
                a, b = h.mix(self.key, idx), h.mix(self.key + 1, idx)
                out = np.hstack([_big_endian(a, 8), _big_endian(b, 8)])[:, :size]
            if pad:
                out = np.hstack([np.zeros((len(idx), pad), dtype=np.uint8), out])
            return np.ascontiguousarray(out)

        return self._bytes_gen(matrix, f"{size} bytes", 256 ** min(size, 7))

    def _kind_inet(self) -> ColumnGen:
        if self.type.sql.lower().startswith("inet6"):
            return self._ipv6()

        def matrix(idx: h.I64) -> np.ndarray:
            if self.unique:
                return _big_endian(idx + 0x0A000000, 4)
            return _big_endian(
                h.mix(self.key, idx) & np.uint64(0xFFFFFF) | np.uint64(0x0A000000), 4
            )

        return self._bytes_gen(matrix, "IPv4 address", 1 << 24)

    def _ipv6(self) -> ColumnGen:
        """Addresses in the documentation prefix 2001:db8::/32 (MariaDB's INET6 refuses IPv4)."""
        prefix = np.array([0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0], dtype=np.uint8)

        def matrix(idx: h.I64) -> np.ndarray:
            low = idx if self.unique else h.mix(self.key, idx)
            return np.hstack([np.tile(prefix, (len(idx), 1)), _big_endian(low, 8)])

        return self._bytes_gen(matrix, "IPv6 address", 1 << 62)

    def _kind_cidr(self) -> ColumnGen:
        def matrix(idx: h.I64) -> np.ndarray:
            network = (h.mix(self.key, idx) & np.uint64(0xFFFF)) << np.uint64(8)
            address = _big_endian(network | np.uint64(0x0A000000), 4)
            return np.hstack([address, np.full((len(idx), 1), 24, dtype=np.uint8)])

        return self._bytes_gen(matrix, "IPv4 /24 network", 1 << 16)

    def _kind_macaddr(self) -> ColumnGen:
        def matrix(idx: h.I64) -> np.ndarray:
            return _big_endian(idx if self.unique else h.mix(self.key, idx), 6)

        return self._bytes_gen(matrix, "MAC address", 1 << 48)
