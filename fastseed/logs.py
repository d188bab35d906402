"""Logs for machines (`--log-format json`): one JSON object per line on stderr, for a log
collector beside a container or CI job. Every line has `time` (UTC, ISO 8601), `level` and
`event`: start, table_done (rows, seconds), warning, summary, error (exit_code)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from fastseed.progress import RunProgress
from fastseed.schema import TableName
from fastseed.url import redact_urls


class JsonLog:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def event(self, event: str, level: str = "info", **fields: Any) -> None:
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": level,
            "event": event,
            **fields,
        }
        # a message may quote what the user typed: a URL in it loses its password
        line = redact_urls(json.dumps(record, default=str, ensure_ascii=False))
        out = self.stream or sys.stderr
        out.write(line + "\n")
        out.flush()  # a collector reads lines as they come, not when the run ends


class JsonProgress(RunProgress):
    """A `table_done` line per table as the load finishes it."""

    def __init__(self, log: JsonLog) -> None:
        super().__init__()
        self.log = log

    def table_done(self, table: TableName, rows: int, seconds: float) -> None:
        self.log.event("table_done", table=str(table), rows=rows, seconds=round(seconds, 3))
