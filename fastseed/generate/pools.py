"""Pools of realistic values built once per run with mimesis and then indexed by numpy.

Calling mimesis per row would cost microseconds per value; a pool of a few thousand distinct
values indexed by a hash of the row gives the same look at a fraction of the cost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
from mimesis import Person
from mimesis.datasets import EMAIL_DOMAINS
from mimesis.locales import Locale
from mimesis.providers.base import BaseDataProvider, BaseProvider, ProviderRegistry

from fastseed.errors import UsageError
from fastseed.generate.hashing import mix, stream_key
from fastseed.generate.text import Utf8Array, from_strings

POOL_SIZE = 2000
LOCALE_POOL_SIZE = 400
"""Draws per pool of a locale other than the run's (addresses in several countries)."""

# mimesis' own lists, taken whole: drawing them until every entry showed up took 25 ms
_LISTS: dict[str, Callable[[], list[str]]] = {
    "email_domain": lambda: [d.lstrip("@") for d in EMAIL_DOMAINS],
}


def _flat(entry: Any) -> list[str]:
    """A locale's name list, or its lists per gender joined."""
    if isinstance(entry, dict):
        return [name for names in entry.values() for name in names]
    return list(entry)


# Providers that only pick from the locale's list: the pool is a seeded sample of that list
# (a sort and a shuffle, instead of ~2000 provider calls: 20-30 ms per pool at start-up).
_LOCALE_LISTS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "first_name": lambda data: _flat(data["names"]),
    "last_name": lambda data: _flat(data["surnames"]),
}

_RECIPES: dict[str, Callable[[Providers], str]] = {
    "first_name": lambda g: g.person.first_name(),
    "last_name": lambda g: g.person.last_name(),
    "username": lambda g: g.person.username(mask="l_l"),
    "phone": lambda g: g.person.telephone(),
    "street_address": lambda g: g.address.address(),
    "street": lambda g: g.address.street_name(),
    "city": lambda g: g.address.city(),
    "state": lambda g: g.address.state(),
    "state_code": lambda g: g.address.state(abbr=True).split("-")[-1],
    "country": lambda g: g.address.country(),
    "country_code": lambda g: g.address.country_code(),
    "postal_code": lambda g: g.address.postal_code(),
    "company": lambda g: g.finance.company(),
    "job_title": lambda g: g.person.occupation(),
    "word": lambda g: g.text.word(),
    "sentence": lambda g: g.text.sentence(),
    "title": lambda g: g.text.title(),
    "url": lambda g: g.internet.url(),
    "hostname": lambda g: g.internet.hostname(),
    "currency": lambda g: g.finance.currency_iso_code(),
    "color": lambda g: g.text.color(),
    "file_name": lambda g: g.file.file_name(),
    "mime_type": lambda g: g.file.mime_type(),
    "user_agent": lambda g: g.internet.user_agent(),
    "version": lambda g: g.development.version(),
    "product": lambda g: f"{g.text.color()} {g.food.dish()}",
    "language": lambda g: g.person.language(),
    "nationality": lambda g: g.person.nationality(),
    "university": lambda g: g.person.university(),
}


class Providers:
    """The mimesis providers one pool's recipe asks for, each built on first use, as
    `Generic(locale, seed)` would give them. Generic builds every provider it has up front
    (Internet's reads a text dataset): 5 ms a pool, 9% of a run's client CPU on a schema with
    addresses in many countries. Locale-data providers come from `cache`, one per provider and
    locale, reseeded: a data provider's only state is its Random, so a reseeded one draws what
    a new one would, without reading its JSON again. Not thread-safe: `Pools` holds its lock."""

    def __init__(
        self, locale: Locale, seed: int, cache: dict[tuple[str, str], BaseDataProvider]
    ) -> None:
        self._locale, self._seed, self._cache = locale, seed, cache

    def __getattr__(self, name: str) -> Any:
        cls = ProviderRegistry.get(name)
        if cls is None:
            raise AttributeError(name)
        provider: BaseProvider
        if issubclass(cls, BaseDataProvider):
            key = (name, str(self._locale.value))
            data = self._cache.get(key)
            if data is None:
                data = self._cache[key] = cls(self._locale, self._seed)
            data.reseed(self._seed)
            provider = data
        else:
            provider = cls(seed=self._seed)
        self.__dict__[name] = provider  # the recipe's later draws go on from here
        return provider


class Pools:
    """Lazily built, seeded pools of realistic strings for one locale."""

    def __init__(self, seed: int, locale: str = "en") -> None:
        try:
            self._locale = Locale(locale)
        except ValueError:
            raise UsageError(
                f"unknown locale {locale!r} (mimesis locales: en, de, fr, ...)"
            ) from None
        self._seed = seed
        self._pools: dict[str, list[str]] = {}
        self._utf8: dict[str, Utf8Array] = {}
        self._lock = threading.Lock()  # generation runs in worker threads
        self._providers: dict[tuple[str, str], BaseDataProvider] = {}

    @property
    def locale(self) -> str:
        """The run's mimesis locale code ('en', 'de', ...)."""
        return str(self._locale.value)

    def get(self, name: str) -> list[str]:
        pool = self._pools.get(name)
        if pool is not None:
            return pool
        with self._lock:
            return self._build(name)

    def utf8(self, name: str) -> Utf8Array:
        """The pool encoded once, for generators that gather bytes instead of strings."""
        pool = self._utf8.get(name)
        if pool is None:
            pool = from_strings(self.get(name))
            with self._lock:
                self._utf8[name] = pool
        return pool

    def utf8_form(self, name: str, form: str, fn: Callable[[str], str]) -> Utf8Array:
        """`fn` of every entry of the pool, encoded once (capitalised words, JSON-quoted words):
        entry i is fn(get(name)[i]), so a pick by index agrees with the list path's.
        `form` names `fn` in the cache: one name, one function."""
        key = f"{name}|{form}"
        pool = self._utf8.get(key)
        if pool is None:
            pool = from_strings([fn(v) for v in self.get(name)])
            with self._lock:
                self._utf8[key] = pool
        return pool

    def _build(self, name: str) -> list[str]:
        pool = self._pools.get(name)
        if pool is None:
            if name in _LISTS:
                pool = sorted(set(_LISTS[name]()))
            elif name in _LOCALE_LISTS:
                pool = self._sample(name)
            if pool is None:
                pool = self._drawn(name)
            self._pools[name] = pool
        return pool

    def _drawn(self, name: str) -> list[str]:
        """Up to POOL_SIZE distinct values of the pool's recipe."""
        recipe = _RECIPES[name]
        # a generator per pool, seeded by its name: pools do not depend on build order
        gen = Providers(self._locale, stream_key(self._seed, "pool", name), self._providers)
        seen: dict[str, None] = {}
        for _ in range(POOL_SIZE * 2):
            seen.setdefault(recipe(gen), None)
            if len(seen) >= POOL_SIZE:
                break
        return sorted(seen)  # sorted: the pool does not depend on dict/set ordering

    def _sample(self, name: str) -> list[str] | None:
        """Up to POOL_SIZE entries of the locale's own list, or None when this mimesis keeps
        its data elsewhere (then the provider is called as for any pool)."""
        try:
            # the provider's loaded locale data: not public API, hence the fallback
            values = sorted(set(_LOCALE_LISTS[name](Person(self._locale)._dataset)))
        except (AttributeError, KeyError, TypeError):
            return None
        if not values:
            return None
        if len(values) > POOL_SIZE:
            # a seeded shuffle by hash (numpy.random alone would cost 20 ms to import)
            order = np.argsort(mix(stream_key(self._seed, "pool", name), np.arange(len(values))))
            values = [values[i] for i in sorted(order[:POOL_SIZE].tolist())]
        return values

    def provider(self, path: str) -> list[str]:
        """A pool from any mimesis provider method, 'person.username', 'address.city', ..."""
        key = f"provider:{path}"
        pool = self._pools.get(key)
        if pool is not None:
            return pool
        with self._lock:
            gen = Providers(self._locale, stream_key(self._seed, "provider", path), self._providers)
            target: object = gen
            try:
                for part in path.split("."):
                    if part.startswith("_"):
                        raise AttributeError(part)
                    target = getattr(target, part)
                if not callable(target):
                    raise AttributeError(path)
                seen = {str(target()): None for _ in range(POOL_SIZE)}
            except (AttributeError, TypeError) as exc:
                raise UsageError(
                    f"unknown mimesis provider {path!r} (e.g. 'person.username', 'address.city')"
                ) from exc
            pool = sorted(seen)
            self._pools[key] = pool
            return pool

    def in_locale(self, locale: str, name: str) -> list[str]:
        """A pool of another locale than the run's (an address in another country)."""
        key = f"{locale}:{name}"
        pool = self._pools.get(key)
        if pool is not None:
            return pool
        with self._lock:
            pool = self._pools.get(key)
            if pool is None:
                seed = stream_key(self._seed, "pool", key)
                gen = Providers(Locale(locale), seed, self._providers)
                recipe = _RECIPES[name]
                seen = {recipe(gen): None for _ in range(LOCALE_POOL_SIZE)}
                pool = sorted(seen)
                self._pools[key] = pool
            return pool

    def utf8_in(self, locale: str, name: str) -> Utf8Array:
        key = f"{locale}:{name}"
        pool = self._utf8.get(key)
        if pool is None:
            pool = from_strings(self.in_locale(locale, name))
            with self._lock:
                self._utf8[key] = pool
        return pool

    @staticmethod
    def names() -> list[str]:
        return sorted([*_RECIPES, *_LISTS])
