"""The Builder's value generators, one module per kind of column (numbers, text, time,
network, geometry, structured documents) plus the CHECK and partition shaping they share."""
