"""Index-addressable value generation: row i of table T is a pure function of (seed, T, i)."""
