"""Where each run setting comes from: a flag, else `FASTSEED_<OPTION>`, else the scenario file,
else the default. Containers and CI jobs configure fastseed through the environment; `plan`
shows the source of every value, so a surprising one can be traced."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastseed.errors import UsageError

if TYPE_CHECKING:
    from fastseed.scenario import Scenario

URL_VARIABLES = ("FASTSEED_URL", "DATABASE_URL")
"""Where the database URL comes from when none is given, in this order."""

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def boolean(text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise argparse.ArgumentTypeError(f"expected 1/true/yes/on or 0/false/no/off, got {text!r}")


def integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def count(text: str) -> int:
    """A count of at least 1 (--streams, --workers, --batch-size)."""
    n = integer(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def seconds(text: str) -> float:
    """More than 0 seconds."""
    value = _number(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text!r}")
    return value


def seconds_or_none(text: str) -> float:
    """0 or more seconds (0: do not wait)."""
    value = _number(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text!r}")
    return value


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None


def choice(*allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in allowed:
            raise argparse.ArgumentTypeError(f"expected one of {', '.join(allowed)}; got {text!r}")
        return text

    return parse


def one_item(text: str) -> list[str]:
    """An appending flag's value from a variable (`FASTSEED_ROWS=500,users=10`)."""
    return [text]


def names(text: str) -> list[str]:
    """A comma-separated list (`FASTSEED_SCHEMA=public,sales`)."""
    return [part.strip() for part in text.split(",") if part.strip()]


@dataclass(frozen=True)
class Setting:
    """One option a run can be given by flag, environment and (some) by the scenario file."""

    name: str
    """The argparse destination: `batch_size` is `--batch-size` and `FASTSEED_BATCH_SIZE`."""
    parse: Callable[[str], Any]
    default: Any
    """Filled in when nothing sets it; None leaves the choice to the library."""
    shown_default: str
    """The default as help and `plan` show it."""
    file_key: str | None = None
    """The scenario file's top-level key for it, if the file can set it."""

    @property
    def env(self) -> str:
        return "FASTSEED_" + self.name.upper()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


SETTINGS: tuple[Setting, ...] = (
    Setting("rows", one_item, None, "1000 per table", "rows"),
    Setting("seed", integer, None, "0", "seed"),
    Setting("schema", names, None, "every non-system schema", "schemas"),
    Setting("locale", str, None, "en", "locale"),
    Setting("batch_size", count, None, "5000", "batch_size"),
    Setting("workers", count, None, "4", "workers"),
    Setting("streams", count, None, "one per core for a local server, else 4"),
    Setting("on_existing", choice("append", "truncate", "fail"), None, "append", "on_existing"),
    Setting("fast", boolean, False, "off"),
    Setting("disable_triggers", boolean, False, "off"),
    Setting("full_verify", boolean, False, "off"),
    Setting("yes", boolean, False, "off"),
    Setting("allow_remote", boolean, False, "off"),
    Setting("create", boolean, False, "off"),
    Setting("dry_run", boolean, False, "off"),
    Setting("timeout", seconds, None, "10"),
    Setting("lock_timeout", seconds, 600.0, "600"),
    Setting("plan", str, None, "none: plan now"),
    Setting("shard", str, None, "none: every row"),
    Setting("shards", count, None, "none"),
    Setting("tier", integer, None, "every tier"),
    Setting("dask", str, None, "none: load here"),
    Setting("wait", seconds_or_none, 0.0, "0, no waiting"),
    Setting("output", choice("text", "json"), "text", "text"),
    Setting("progress", choice("auto", "rich", "plain", "none"), "auto", "auto"),
    Setting("quiet", boolean, False, "off"),
    Setting("log_format", choice("text", "json"), "text", "text"),
)
BY_NAME = {s.name: s for s in SETTINGS}


def help_text(name: str, text: str) -> str:
    """`text` with the setting's default and variable, for --help."""
    s = BY_NAME[name]
    return f"{text} (default: {s.shown_default}; env {s.env})".replace("%", "%%")


def apply_environment(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, str]:
    """Fill the options the command line left unset from `FASTSEED_<OPTION>`, then from the
    defaults that the scenario file cannot change; returns option -> 'flag' or the variable
    it came from. A variable that does not parse is a usage error naming it."""
    origin: dict[str, str] = {}
    for s in SETTINGS:
        if not hasattr(args, s.name):
            continue
        if getattr(args, s.name) is not None:
            origin[s.name] = "flag"
            continue
        value = from_environment(s, environ)
        if value is not None:
            setattr(args, s.name, value)
            origin[s.name] = s.env
        elif s.file_key is None and s.default is not None:
            setattr(args, s.name, s.default)
    return origin


def from_environment(s: Setting, environ: Mapping[str, str]) -> Any:
    text = environ.get(s.env)
    if text is None:
        return None
    try:
        return s.parse(text)
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"{s.env}: {exc}") from None


def database_url(given: str | None, environ: Mapping[str, str]) -> str:
    """The URL argument, else $FASTSEED_URL, else $DATABASE_URL."""
    if given:
        return given
    for name in URL_VARIABLES:
        if environ.get(name):
            return environ[name]
    raise UsageError("no database URL: give one, or set FASTSEED_URL (or DATABASE_URL)")


def explain(
    args: argparse.Namespace,
    origin: Mapping[str, str],
    scenario: Scenario | None,
    environ: Mapping[str, str],
) -> dict[str, dict[str, Any]]:
    """Every run setting with its value and where it came from ('flag --seed',
    'env FASTSEED_SEED', 'fastseed.toml:3', 'default'), for `plan`. A setting the command has
    no flag for is still read from the environment, as `seed` would read it."""
    out: dict[str, dict[str, Any]] = {}
    for s in SETTINGS:
        if s.name in ("dry_run", "output", "progress", "quiet", "log_format", "create"):
            continue  # how this command talks, not what a run does
        value: Any = getattr(args, s.name, None)
        how = origin.get(s.name)
        if how is None and not hasattr(args, s.name):
            value = from_environment(s, environ)
            how = s.env if value is not None else None
        if how is not None:
            source = f"flag {s.flag}" if how == "flag" else f"env {how}"
        elif s.file_key is not None and scenario is not None and s.file_key in scenario.lines:
            value = getattr(scenario, s.file_key)
            source = scenario.where(s.file_key)
        else:
            value, source = s.shown_default if s.default is None else s.default, "default"
        if isinstance(value, float):
            value = f"{value:g}"
        out[s.name] = {"value": value, "from": source}
    return out
