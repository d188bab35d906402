"""Find and read a scenario file (fastseed.toml) into a validated `Scenario`.

Every key is checked; anything wrong is a `ConfigError` whose message is one line,
"FILE:LINE: key.path: what is wrong", with a close match for a misspelt name. Only the first
problem is reported: fixing it and re-running is quicker to read than a wall of errors. The
shape accepted here is mirrored by `scenario.schema.json` (for editors); keep them in step.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import math
import os
import re
import tomllib
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NoReturn

from fastseed.errors import ConfigError
from fastseed.pattern_syntax import PatternError, check_pattern
from fastseed.scenario.lines import Path as KeyPath
from fastseed.scenario.lines import dotted, key_lines
from fastseed.scenario.model import (
    ANOMALY_KINDS,
    DISTRIBUTIONS,
    ON_EXISTING,
    AnomalySpec,
    ColumnSpec,
    FanOut,
    Scenario,
    TableSpec,
)

ENV_VAR = "FASTSEED_CONFIG"
DEFAULT_NAME = "fastseed.toml"
SCHEMA_PATH = Path(__file__).parent.with_name("scenario.schema.json")
"""The JSON Schema of the file, shipped inside the package for editors (taplo `#:schema`)."""

# "$schema" is taplo's in-document way to name a JSON Schema; it means nothing to fastseed.
_TOP_KEYS = (
    *("$schema", "seed", "locale", "rows", "scale", "batch_size", "workers", "schemas"),
    *("include", "exclude", "on_existing", "anomalies", "tables"),
)
_ANOMALY_KEYS = ("enabled", "share", "kinds")
_TABLE_KEYS = ("rows", "per_parent", "use_existing_parents", "columns")
_FANOUT_KEYS = ("min", "max", "distribution")
_VALUE_SOURCES = ("choices", "range", "provider", "pattern", "value")
"""Ways to make a column's values; at most one per column."""
_COLUMN_KEYS = ("null", "null_when", *_VALUE_SOURCES)

_SCALARS = (str, int, float, bool, date, time)  # datetime is a date
_COUNT = re.compile(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?")
_PERCENT = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*")
_TOML_ERROR_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def find_scenario(explicit: str | None) -> Path | None:
    """The scenario file to use: `--config PATH`, else $FASTSEED_CONFIG, else ./fastseed.toml.

    A path the user named (flag or variable) must exist; the implicit ./fastseed.toml is
    simply skipped when absent. None means no scenario at all.
    """
    for named, origin in ((explicit, "--config"), (os.environ.get(ENV_VAR), ENV_VAR)):
        if named:
            path = Path(named).expanduser()
            if not path.is_file():
                reason = "is not a file" if path.exists() else "no such file"
                raise ConfigError(f"{named}: {reason} (given by {origin})")
            return path
    default = Path(DEFAULT_NAME)
    return default if default.is_file() else None


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file; any problem raises `ConfigError` ("FILE:LINE: ...")."""
    source = os.fspath(path)
    try:
        raw = Path(source).read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{source}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{source}:{line}: not UTF-8 text (TOML files are UTF-8)") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's error has no line attribute; the position is in the message.
        message = str(exc)
        m = _TOML_ERROR_AT.search(message)
        line = int(m.group(1)) if m else text.count("\n") + 1
        detail = message[: m.start()] if m else message.replace(" (at end of document)", "")
        column = f" (column {m.group(2)})" if m else ""
        raise ConfigError(f"{source}:{line}: invalid TOML: {detail}{column}") from None
    return _Reader(source, key_lines(text)).scenario(data)


def suggest(word: str, candidates: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest candidate, or '' when none is close."""
    close = difflib.get_close_matches(word, list(candidates), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Reader:
    """Turns the parsed dict into model objects; `path` arguments locate errors."""

    def __init__(self, source: str, lines: dict[KeyPath, int]) -> None:
        self.source = source
        self.lines = lines

    def at(self, path: KeyPath) -> str:
        # A value inside an inline table or array may have no entry of its own: use the
        # nearest enclosing key, which is on the same line or the line that opens it.
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return f"{self.source}:{line}"
        return self.source

    def fail(self, path: KeyPath, message: str, *, at: KeyPath | None = None) -> NoReturn:
        where = f"{dotted(path)}: " if path else ""
        raise ConfigError(f"{self.at(path if at is None else at)}: {where}{message}")

    # --- sections -------------------------------------------------------------------------

    def scenario(self, data: dict[str, Any]) -> Scenario:
        self.keys(data, (), _TOP_KEYS)
        get = data.get
        if "$schema" in data:
            self.string(data["$schema"], ("$schema",))
        return Scenario(
            source=self.source,
            seed=None if get("seed") is None else self.integer(data["seed"], ("seed",)),
            locale=None if get("locale") is None else self.locale(data["locale"]),
            rows=None if get("rows") is None else self.integer(data["rows"], ("rows",), 0),
            scale=1.0 if get("scale") is None else self.scale(data["scale"]),
            batch_size=self.optional_int(data, "batch_size", 1),
            workers=self.optional_int(data, "workers", 1),
            schemas=self.strings(get("schemas", []), ("schemas",)),
            include=self.strings(get("include", []), ("include",)),
            exclude=self.strings(get("exclude", []), ("exclude",)),
            on_existing=None
            if get("on_existing") is None
            else self.choice(data["on_existing"], ("on_existing",), ON_EXISTING),
            anomalies=AnomalySpec()
            if get("anomalies") is None
            else self.anomalies(data["anomalies"], ("anomalies",)),
            tables=self.tables(get("tables", {}), ("tables",)),
            lines={dotted(path): line for path, line in self.lines.items()},
        )

    def anomalies(self, value: Any, path: KeyPath) -> AnomalySpec:
        section = self.table(value, path)
        self.keys(section, path, _ANOMALY_KEYS)
        kinds: tuple[str, ...] = ANOMALY_KINDS
        if "kinds" in section:
            kinds = self.strings(section["kinds"], (*path, "kinds"), unique=True)
            if not kinds:
                self.fail((*path, "kinds"), f"name at least one of {', '.join(ANOMALY_KINDS)}")
            for i, kind in enumerate(kinds):
                self.choice(kind, (*path, "kinds", i), ANOMALY_KINDS)
        return AnomalySpec(
            # Writing an [anomalies] section is asking for them; `enabled = false` keeps the
            # settings while switching them off.
            enabled=self.boolean(section.get("enabled", True), (*path, "enabled")),
            share=self.share(section["share"], (*path, "share")) if "share" in section else 0.01,
            kinds=kinds,
        )

    def tables(self, value: Any, path: KeyPath) -> tuple[tuple[str, TableSpec], ...]:
        out = []
        for name, spec in self.table(value, path).items():
            if not name.strip():
                self.fail(path, "a table name cannot be empty", at=(*path, name))
            out.append((name, self.table_spec(spec, (*path, name))))
        return tuple(out)

    def table_spec(self, value: Any, path: KeyPath) -> TableSpec:
        spec = self.table(value, path)
        self.keys(spec, path, _TABLE_KEYS)
        per_parent = []
        for ref, fan_out in self.table(spec.get("per_parent", {}), (*path, "per_parent")).items():
            ref_path = (*path, "per_parent", ref)
            per_parent.append((self.reference(ref, ref_path), self.fan_out(fan_out, ref_path)))
        listed = self.strings(
            spec.get("use_existing_parents", []), (*path, "use_existing_parents"), unique=True
        )
        existing = tuple(
            self.reference(ref, (*path, "use_existing_parents", i)) for i, ref in enumerate(listed)
        )
        columns = [
            (name, self.column_spec(col, (*path, "columns", name)))
            for name, col in self.table(spec.get("columns", {}), (*path, "columns")).items()
        ]
        return TableSpec(
            rows=self.optional_int(spec, "rows", 0, path),
            per_parent=tuple(per_parent),
            columns=tuple(columns),
            use_existing_parents=existing,
        )

    def fan_out(self, value: Any, path: KeyPath) -> FanOut:
        distribution = "uniform"
        if isinstance(value, int) and not isinstance(value, bool):
            low = high = self.integer(value, path, 0)
        elif isinstance(value, str):
            m = _COUNT.fullmatch(value)
            if not m:
                self.fail(path, f"expected a count like '3-5' or '4', got {_show(value)}")
            low = int(m.group(1))
            high = int(m.group(2) or low)
        elif isinstance(value, dict):
            self.keys(value, path, _FANOUT_KEYS)
            if "min" not in value:
                self.fail(path, "'min' is missing (write { min = 3, max = 5 })")
            low = self.integer(value["min"], (*path, "min"), 0)
            high = self.integer(value.get("max", low), (*path, "max"), 0)
            if "distribution" in value:
                distribution = self.choice(
                    value["distribution"], (*path, "distribution"), DISTRIBUTIONS
                )
        else:
            self.fail(path, f"expected a count like '3-5', 4 or a table, got {_show(value)}")
        if low > high:
            self.fail(path, f"min {low} is greater than max {high}")
        return FanOut(low, high, distribution)

    def column_spec(self, value: Any, path: KeyPath) -> ColumnSpec:
        spec = self.table(value, path)
        self.keys(spec, path, _COLUMN_KEYS)
        sources = [key for key in spec if key in _VALUE_SOURCES]
        if len(sources) > 1:
            first, second = sources[:2]
            self.fail(
                path,
                f"{first!r} and {second!r} cannot be combined: give one way to make the values",
                at=(*path, second),
            )
        fields: dict[str, Any] = {}
        if "null" in spec:
            fields["null_share"] = self.share(spec["null"], (*path, "null"))
        if "null_when" in spec:
            fields["null_when"] = self.null_when(spec["null_when"], (*path, "null_when"))
        if "choices" in spec:
            fields["choices"] = self.choices(spec["choices"], (*path, "choices"))
        if "range" in spec:
            fields["range"] = self.range(spec["range"], (*path, "range"))
        if "provider" in spec:
            fields["provider"] = self.provider(spec["provider"], (*path, "provider"))
        if "pattern" in spec:
            fields["pattern"] = self.pattern(spec["pattern"], (*path, "pattern"))
        if "value" in spec:
            fields["constant"] = spec["value"]
            fields["has_constant"] = True
        return ColumnSpec(**fields)

    # --- column values --------------------------------------------------------------------

    def null_when(self, value: Any, path: KeyPath) -> tuple[tuple[str, tuple[Any, ...]], ...]:
        conditions = self.table(value, path)
        if not conditions:
            self.fail(path, "name a column and its values, e.g. { status = ['pending'] }")
        out = []
        for column, values in conditions.items():
            if column == path[-2]:
                self.fail(path, f"{column!r} cannot depend on itself", at=(*path, column))
            listed = values if isinstance(values, list) else [values]
            if not listed:
                self.fail((*path, column), "give at least one value")
            for i, item in enumerate(listed):
                self.scalar(item, (*path, column, i) if isinstance(values, list) else path)
            out.append((column, tuple(listed)))
        return tuple(out)

    def choices(self, value: Any, path: KeyPath) -> tuple[tuple[Any, float], ...]:
        if isinstance(value, dict):
            if not value:
                self.fail(path, "give at least one choice")
            weighted = []
            for choice, weight in value.items():
                if not _is_number(weight) or not math.isfinite(weight) or weight < 0:
                    self.fail((*path, choice), f"a weight is a number ≥ 0, got {_show(weight)}")
                weighted.append((choice, float(weight)))
            if not any(w > 0 for _, w in weighted):
                self.fail(path, "at least one weight must be above 0")
            return tuple(weighted)
        if isinstance(value, list):
            if not value:
                self.fail(path, "give at least one choice")
            seen: set[tuple[type, Any]] = set()
            for i, item in enumerate(value):
                self.scalar(item, (*path, i))
                # 1 == True in Python; a bool and an int are still different choices.
                if (type(item), item) in seen:
                    self.fail((*path, i), f"{_show(item)} is listed twice")
                seen.add((type(item), item))
            return tuple((item, 1.0) for item in value)
        self.fail(path, f"expected a table of value = weight or an array, got {_show(value)}")

    def range(self, value: Any, path: KeyPath) -> tuple[Any, Any]:
        if not isinstance(value, list) or len(value) != 2:
            self.fail(path, f"expected [min, max], got {_show(value)}")
        low, high = value
        if _is_number(low) and _is_number(high):
            bounds: tuple[Any, Any] = (low, high)
        elif isinstance(low, str | date | time) and isinstance(high, str | date | time):
            bounds = (_temporal(low), _temporal(high))
            if None in bounds or type(bounds[0]) is not type(bounds[1]):
                self.fail(path, "expected two numbers, or two dates/datetimes/times of one kind")
        else:
            self.fail(path, "expected two numbers, or two dates/datetimes/times of one kind")
        try:
            inverted = bounds[0] > bounds[1]
        except TypeError:  # an aware and a naive datetime
            inverted = None
        if inverted is None:
            self.fail(path, "give both bounds with a time zone offset, or neither")
        if inverted:
            self.fail(path, f"min {_show(low)} is greater than max {_show(high)}")
        return (low, high)

    def provider(self, value: Any, path: KeyPath) -> str:
        name = self.string(value, path)
        known = _mimesis_methods()
        if name not in known:
            self.fail(path, f"unknown mimesis provider {name!r}{suggest(name, known)}")
        return name

    def pattern(self, value: Any, path: KeyPath) -> str:
        regex = self.string(value, path)
        # Checked with the parser the generator will use (pattern_syntax), so an unsupported
        # construct fails here and not halfway through a load.
        try:
            check_pattern(regex)
        except (PatternError, re.error) as exc:
            self.fail(path, f"pattern {regex!r} is not supported: {exc}")
        return regex

    # --- plain values ---------------------------------------------------------------------

    def keys(self, table: dict[str, Any], path: KeyPath, allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                self.fail(path, f"unknown key {key!r}{suggest(key, allowed)}", at=(*path, key))

    def table(self, value: Any, path: KeyPath) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"expected a table, got {_show(value)}")
        return value

    def string(self, value: Any, path: KeyPath) -> str:
        if not isinstance(value, str) or not value:
            self.fail(path, f"expected a non-empty string, got {_show(value)}")
        return value

    def strings(self, value: Any, path: KeyPath, *, unique: bool = False) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.fail(path, f"expected an array of strings, got {_show(value)}")
        for i, item in enumerate(value):
            self.string(item, (*path, i))
            if unique and item in value[:i]:
                self.fail((*path, i), f"{item!r} is listed twice")
        return tuple(value)

    def reference(self, value: str, path: KeyPath) -> str:
        # A foreign-key name, its column(s) joined by ',' or the parent table; resolved
        # against the catalog later (validate_against_catalog).
        return self.string(value.strip(), path)

    def integer(self, value: Any, path: KeyPath, minimum: int | None = None) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(path, f"expected an integer, got {_show(value)}")
        if minimum is not None and value < minimum:
            self.fail(path, f"must be at least {minimum}, got {value}")
        return value

    def optional_int(
        self, table: dict[str, Any], key: str, minimum: int, path: KeyPath = ()
    ) -> int | None:
        value = table.get(key)
        return None if value is None else self.integer(value, (*path, key), minimum)

    def boolean(self, value: Any, path: KeyPath) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"expected true or false, got {_show(value)}")
        return value

    def scale(self, value: Any) -> float:
        if not _is_number(value) or not math.isfinite(value) or value <= 0:
            self.fail(("scale",), f"expected a number above 0, got {_show(value)}")
        return float(value)

    def share(self, value: Any, path: KeyPath) -> float:
        """'10%' or 0.1 -> 0.1; a share is between 0 and 1 inclusive."""
        if isinstance(value, str):
            m = _PERCENT.fullmatch(value)
            if not m:
                self.fail(
                    path, f"expected a percentage like '10%' or a share like 0.1, got {value!r}"
                )
            percent = float(m.group(1))
            if percent > 100:
                self.fail(path, f"{value!r} is not between 0% and 100%")
            return percent / 100
        if _is_number(value):
            if not 0 <= value <= 1:  # NaN fails too
                hint = f" (did you mean '{value:g}%'?)" if 1 < value <= 100 else ""
                self.fail(path, f"{value:g} is not between 0 and 1{hint}")
            return float(value)
        self.fail(path, f"expected a percentage like '10%' or a share like 0.1, got {_show(value)}")

    def choice(self, value: Any, path: KeyPath, allowed: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in allowed:
            hint = suggest(value, allowed) if isinstance(value, str) else ""
            self.fail(path, f"{_show(value)} is not one of {', '.join(allowed)}{hint}")
        return value

    def scalar(self, value: Any, path: KeyPath) -> None:
        if not isinstance(value, _SCALARS):
            self.fail(path, f"expected a single value, got {_show(value)}")

    def locale(self, value: Any) -> str:
        from mimesis.locales import Locale

        known = tuple(locale.value for locale in Locale)
        if not isinstance(value, str) or value not in known:
            hint = suggest(value, known) if isinstance(value, str) else ""
            self.fail(("locale",), f"unknown mimesis locale {_show(value)}{hint}")
        return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _temporal(value: str | date | time) -> date | time | None:
    """A TOML date/time as is; an ISO 8601 string parsed; None when it is neither."""
    if not isinstance(value, str):
        return value
    for parse in (date.fromisoformat, datetime.fromisoformat, time.fromisoformat):
        try:
            parsed: date | time = parse(value)
        except ValueError:
            continue
        return parsed
    return None


def _show(value: Any) -> str:
    """A value as the user wrote it in TOML, or what kind of thing it is."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


@functools.cache
def _mimesis_methods() -> frozenset[str]:
    """'provider.method' for every mimesis provider method callable without arguments."""
    import mimesis.providers as providers
    from mimesis.providers.base import BaseDataProvider

    inherited = set(dir(BaseDataProvider))  # reseed, validate_enum, ...: not data
    out = set()
    for class_name in providers.__all__:
        # mimesis lists a name or two in __all__ that it does not define.
        cls = getattr(providers, class_name, None)
        name = getattr(getattr(cls, "Meta", None), "name", None)
        if not isinstance(cls, type) or not name or name == "generic":
            continue
        for attr in dir(cls):
            method = getattr(cls, attr)
            if attr.startswith("_") or attr in inherited or not inspect.isfunction(method):
                continue
            params = list(inspect.signature(method).parameters.values())[1:]  # self
            if all(
                p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                for p in params
            ):
                out.add(f"{name}.{attr}")
    return frozenset(out)
