"""Progress of a load, for people: a live rich display at a terminal, plain lines elsewhere.

The loader reports rows per table as each batch is written (`load.Progress`); `RunProgress`
keeps the counts against the plan and tells its display when a table starts, moves and is
done. The displays write to stderr, so stdout keeps only the summary (or its JSON)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastseed.plan import Plan
from fastseed.schema import TableName

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

HEARTBEAT_SECONDS = 5.0
"""A table still loading gets a plain line this often."""


class RunProgress:
    """Rows per table against the plan. Call it as the loader's progress callback (a call
    with 0 rows says a table started); subclasses show it."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.total: dict[TableName, int] = {}
        self.done: dict[TableName, int] = {}
        self.started: dict[TableName, float] = {}

    def plan(self, plan: Plan) -> None:
        """The plan about to be loaded: the rows each table will get."""
        self.total = {name: tp.rows for name, tp in plan.tables.items() if tp.rows}
        self.begin()

    def __call__(self, table: TableName, rows: int) -> None:
        if table not in self.total:
            return
        if table not in self.started:
            self.started[table] = self.clock()
            self.done[table] = 0
            self.table_started(table)
        if not rows:
            return
        self.done[table] += rows
        self.advanced(table, rows)
        if self.done[table] >= self.total[table]:
            self.table_done(table, self.done[table], self.clock() - self.started[table])

    def rate_and_eta(self, table: TableName) -> tuple[float, float | None]:
        elapsed = self.clock() - self.started[table]
        rate = self.done[table] / elapsed if elapsed > 0 else 0.0
        left = self.total[table] - self.done[table]
        return rate, (left / rate if rate else None)

    # what a display overrides

    def begin(self) -> None: ...

    def table_started(self, table: TableName) -> None: ...

    def advanced(self, table: TableName, rows: int) -> None: ...

    def table_done(self, table: TableName, rows: int, seconds: float) -> None: ...

    def close(self) -> None:
        """The run ended (done, failed or interrupted): take the display down."""


class PlainProgress(RunProgress):
    """One line per finished table, and a heartbeat line for a table that takes long; for
    logs and pipes, where a live display would be noise."""

    def __init__(
        self,
        write: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
        every: float = HEARTBEAT_SECONDS,
    ) -> None:
        super().__init__(clock)
        self.write, self.every = write, every
        self.last: dict[TableName, float] = {}

    def table_started(self, table: TableName) -> None:
        self.last[table] = self.clock()

    def advanced(self, table: TableName, rows: int) -> None:
        now = self.clock()
        if now - self.last[table] < self.every or self.done[table] >= self.total[table]:
            return
        self.last[table] = now
        rate, eta = self.rate_and_eta(table)
        done, total = self.done[table], self.total[table]
        left = f", about {eta:,.0f} s left" if eta is not None else ""
        self.write(
            f"{table}: {done:,} of {total:,} rows ({100 * done // total}%), "
            f"{rate:,.0f} rows/s{left}"
        )

    def table_done(self, table: TableName, rows: int, seconds: float) -> None:
        rate = f" ({rows / seconds:,.0f} rows/s)" if seconds > 0 else ""
        self.write(f"{table}: {rows:,} rows in {seconds:.2f} s{rate}")


class RichProgress(RunProgress):
    """A live display on a terminal: all rows, and each table loading (rows, rows/s, ETA);
    it disappears when the run ends, leaving the summary."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        from rich.progress import (
            BarColumn,
            Progress,
            ProgressColumn,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task: Any) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed:,.0f} rows/s" if speed else "", style="progress.data.speed")

        self.display: Progress = Progress(
            # markup=False: table names print as they are
            TextColumn("{task.description}", markup=False),
            BarColumn(bar_width=20),
            TaskProgressColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f} rows"),
            Rate(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            refresh_per_second=5,
        )
        self.tasks: dict[TableName, TaskID] = {}
        self.overall: TaskID | None = None

    def begin(self) -> None:
        self.overall = self.display.add_task("all tables", total=sum(self.total.values()))
        self.display.start()

    def table_started(self, table: TableName) -> None:
        self.tasks[table] = self.display.add_task(str(table), total=self.total[table])

    def advanced(self, table: TableName, rows: int) -> None:
        self.display.advance(self.tasks[table], rows)
        if self.overall is not None:
            self.display.advance(self.overall, rows)

    def table_done(self, table: TableName, rows: int, seconds: float) -> None:
        # the finished table leaves the display: hundreds of tables would not fit
        self.display.remove_task(self.tasks.pop(table))

    def close(self) -> None:
        self.display.stop()
