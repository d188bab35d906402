"""Dialect adapters; each module is imported only when its dialect is first used."""

from fastseed.dialects.base import Adapter, adapter_class

__all__ = ["Adapter", "adapter_class"]
