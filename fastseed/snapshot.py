"""A plan saved to a file, so that the shards of one run all load the same plan.

A plan depends on what the database held when it was made (row counts, key maxima, existing
parent keys, sampled values): a shard that planned for itself after another shard had
committed would see that shard's rows as existing ones and plan other rows. So the plan is
made once (`fastseed plan --save FILE`) and every shard reads it (`seed --plan FILE`).

The file is a pickle: load only plan files you made yourself, with the same fastseed version.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

from fastseed import __version__
from fastseed.errors import UsageError
from fastseed.plan import Plan

_MAGIC = b"fastseed-plan\n"


@dataclass(frozen=True)
class Snapshot:
    plan: Plan
    seed: int
    locale: str
    version: str = __version__

    def save(self, path: str | Path) -> None:
        Path(path).write_bytes(_MAGIC + pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))

    @classmethod
    def load(cls, path: str | Path) -> Snapshot:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise UsageError(f"plan file {path}: {exc.strerror or exc}") from None
        if not data.startswith(_MAGIC):
            raise UsageError(f"{path} is not a plan file (`fastseed plan --save` writes one)")
        snapshot = pickle.loads(data[len(_MAGIC) :])  # the user's own file (module docstring)
        if not isinstance(snapshot, cls) or snapshot.version != __version__:
            made = getattr(snapshot, "version", "?")
            raise UsageError(
                f"{path} was made by fastseed {made}, this is {__version__}: plan again"
            )
        return snapshot
