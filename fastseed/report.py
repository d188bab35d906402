"""Results for people (rich tables) and for machines (JSON).

rich is imported only to print: a run that answers in JSON never loads it (~40 ms)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fastseed.load import LoadResult
from fastseed.plan import Plan
from fastseed.schema import Catalog
from fastseed.verify import ForeignKeyProof, VerifyResult

if TYPE_CHECKING:
    from rich.console import Console


def summary_data(
    verify: VerifyResult,
    load: LoadResult | None = None,
    plan: Plan | None = None,
    realism: dict[str, Any] | None = None,
) -> dict[str, Any]:
    tables = []
    for t in verify.tables:
        tables.append(
            {
                "table": str(t.table),
                "rows": t.rows,
                "inserted": load.rows.get(t.table, 0) if load else None,
                "expected": t.expected,
                "orphans": sum(t.orphans.values()),
                "duplicates": sum(t.duplicates.values()),
                "enforced_by_server": sorted(t.enforced),
                "ok": t.ok,
            }
        )
    out: dict[str, Any] = {
        "ok": verify.ok,
        "tables": tables,
        "failures": verify.failures(),
        "verify_seconds": round(verify.seconds, 3),
    }
    if verify.foreign_keys is not None:
        out["foreign_keys"] = [
            {
                "table": str(f.table),
                "fk": f.name,
                "parent": str(f.parent),
                "orphans": f.orphans,
                "server": _server_state(f),
                "ok": f.ok,
            }
            for f in verify.foreign_keys
        ]
    if load is not None:
        out["inserted_rows"] = load.total
        out["load_seconds"] = round(load.seconds, 3)
        out["rows_per_second"] = round(load.total / load.seconds) if load.seconds else None
        if load.anomalies:
            out["anomalies"] = load.anomalies
        if load.fast_method:
            out["fast_mode"] = load.fast_method
    if plan is not None:
        out["warnings"] = list(plan.warnings)
        out["load_method"] = plan.load_method
        out["skipped"] = skipped_tables(plan)
    if realism is not None:
        out["realism"] = realism
    return out


def _server_state(fk: ForeignKeyProof) -> str:
    """What the server's catalog says of the FK after the proof."""
    if fk.validated:
        return "validated now"
    if fk.unvalidated:
        return "not valid"
    return "unchanged"


def skipped_tables(plan: Plan) -> dict[str, str]:
    """Table -> why no insert can fill it in this run (it was left out, with a warning)."""
    return {str(n): tp.skipped for n, tp in plan.tables.items() if tp.skipped is not None}


def literal(data: Any) -> Any:
    """`data` with every string (keys too) escaped for rich markup: names, values and
    messages from the database print as they are (`[/]` is a legal table name, and would
    stop rich) while the print functions keep their own markup."""
    from rich.markup import escape  # rich only when printing for people (not -o json)

    if isinstance(data, str):
        return escape(data)
    if isinstance(data, dict):
        return {literal(k): literal(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [literal(v) for v in data]
    return data


def print_summary(console: Console, data: dict[str, Any]) -> None:
    from rich.table import Table as RichTable

    data = literal(data)

    table = RichTable(title="fastseed summary", title_justify="left")
    show_inserted = any(t["inserted"] is not None for t in data["tables"])
    table.add_column("table")
    if show_inserted:
        table.add_column("inserted", justify="right")
    table.add_column("rows", justify="right")
    table.add_column("orphans", justify="right")
    table.add_column("duplicates", justify="right")
    table.add_column("status")
    skipped = data.get("skipped", {})
    for t in data["tables"]:
        cells = [t["table"]]
        status = "[green]ok[/]" if t["ok"] else "[red]FAIL[/]"
        if t["table"] in skipped and t["ok"]:
            status = "[yellow]skipped[/]"
        if show_inserted:
            cells.append(f"{t['inserted']:,}")
        cells += [
            f"{t['rows']:,}",
            str(t["orphans"]),
            str(t["duplicates"]),
            status,
        ]
        table.add_row(*cells)
    console.print(table)
    if "foreign_keys" in data:
        fks = RichTable(title="foreign keys", title_justify="left")
        for column in ("table", "FK", "parent"):
            fks.add_column(column)
        fks.add_column("orphans", justify="right")
        fks.add_column("server")
        fks.add_column("status")
        for f in data["foreign_keys"]:
            status = "[green]proven[/]" if f["ok"] else "[red]FAIL[/]"
            fks.add_row(f["table"], f["fk"], f["parent"], str(f["orphans"]), f["server"], status)
        console.print(fks)
    if "inserted_rows" in data:
        rate = data["rows_per_second"] or 0
        console.print(
            f"inserted {data['inserted_rows']:,} rows in {data['load_seconds']:.2f} s "
            f"({rate:,} rows/s, {data.get('load_method', '')}); "
            f"verified in {data['verify_seconds']:.2f} s"
        )
    else:
        console.print(f"verified {len(data['tables'])} tables in {data['verify_seconds']:.2f} s")
    if data.get("fast_mode"):
        console.print(f"fast mode: {data['fast_mode']}")
    vouched = sum(len(t.get("enforced_by_server", ())) for t in data["tables"])
    if vouched:
        console.print(
            f"{vouched} FKs and unique keys not scanned: the server checked them as the rows "
            "went in (--full-verify scans them too)"
        )
    real = data.get("realism")
    if real:
        generic = real["generic_text_columns"]
        line = f"{len(generic)} of {real['text_columns']} text columns use generic words"
        line += _share(len(generic), real["text_columns"])
        console.print(line + (f": {', '.join(generic)}" if generic else ""))
        for check in real["checks_not_understood"]:
            console.print(f"check tested in the database before loading: {check}")
    anomalies = data.get("anomalies")
    if anomalies:
        console.print(f"[bold]anomalies[/] ({sum(anomalies.values()):,} values):")
        for where, n in anomalies.items():
            console.print(f"  {where}: {n:,}")
    for w in data.get("warnings", []):
        console.print(f"[yellow]warning:[/] {w}")
    for f in data["failures"]:
        console.print(f"[red]failed:[/] {f}")


def catalog_data(
    catalog: Catalog,
    plan: Plan | None = None,
    generators: dict[str, dict[str, str]] | None = None,
    concepts: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    tables = []
    for name, t in sorted(catalog.tables.items()):
        entry: dict[str, Any] = {
            "table": str(name),
            "columns": [
                {
                    "name": c.name,
                    "type": c.type.sql,
                    "kind": c.type.kind.value,
                    "nullable": c.nullable,
                    "default": c.default,
                    "identity": c.identity,
                    "generated": c.generated,
                }
                | (
                    {"concept": concepts[str(name)].get(c.name)}
                    if concepts and str(name) in concepts
                    else {}
                )
                | (
                    {"generator": generators[str(name)].get(c.name)}
                    if generators and str(name) in generators
                    else {}
                )
                for c in t.columns
            ],
            "primary_key": list(t.primary_key.columns) if t.primary_key else None,
            "unique": [
                {
                    "name": u.name,
                    "columns": list(u.columns),
                    "expressions": list(u.expressions),
                    "where": u.predicate,
                }
                for u in t.uniques
            ],
            "foreign_keys": [
                {
                    "name": f.name,
                    "columns": list(f.columns),
                    "references": str(f.ref_table),
                    "ref_columns": list(f.ref_columns),
                    "deferrable": f.deferrable,
                }
                for f in t.foreign_keys
            ],
            "checks": [{"name": c.name, "expression": c.expression} for c in t.checks],
        }
        if t.partition_of:
            entry["partition_of"] = str(t.partition_of)
        if t.partitioning:
            entry["partitioned_by"] = {
                "strategy": t.partitioning.strategy,
                "columns": list(t.partitioning.columns),
                "partitions": len(t.partitioning.bounds),
            }
        tables.append(entry)
    out: dict[str, Any] = {
        "dialect": catalog.dialect,
        "server_version": catalog.server_version,
        "tables": tables,
    }
    if plan is not None:
        out["tiers"] = [
            [
                {
                    "tables": [str(t) for t in u.tables],
                    "deferred": [
                        {"table": str(d.table), "fk": d.fk.name, "method": d.method}
                        for d in u.deferred
                    ],
                }
                for u in tier
            ]
            for tier in plan.tiers
        ]
        out["rows"] = {str(n): tp.rows for n, tp in plan.tables.items()}
        out["notes"] = {str(n): list(tp.notes) for n, tp in plan.tables.items() if tp.notes}
        out["skipped"] = skipped_tables(plan)
        out["load_method"] = plan.load_method
        fk_checks = sum(len(t.foreign_keys) for t in catalog.tables.values())
        key_checks = sum(len(t.all_uniques) for t in catalog.tables.values())
        out["verify_checks"] = {
            "row_counts": len(plan.tables),
            "orphan_checks": fk_checks,
            "duplicate_checks": key_checks,
        }
        out["problems"] = list(plan.problems)
        out["warnings"] = list(plan.warnings)
    return out


def print_catalog(console: Console, data: dict[str, Any]) -> None:
    from rich.table import Table as RichTable

    data = literal(data)

    console.print(
        f"[bold]{data['dialect']}[/] {data['server_version']}: {len(data['tables'])} tables"
    )
    for t in data["tables"]:
        if "partition_of" in t:
            continue  # a partition has its parent's columns; the parent's title counts them
        title = t["table"]
        if "partitioned_by" in t:
            p = t["partitioned_by"]
            title += (
                f"  (partitioned by {p['strategy']} {', '.join(p['columns'])}, "
                f"{p['partitions']} partitions)"
            )
        grid = RichTable(title=title, title_justify="left", show_edge=False)
        grid.add_column("column")
        grid.add_column("type")
        grid.add_column("null")
        grid.add_column("key")
        with_concept = any("concept" in c for c in t["columns"])
        if with_concept:
            grid.add_column("concept (why)")
        with_gen = any("generator" in c for c in t["columns"])
        if with_gen:
            grid.add_column("generator")
        pk = set(t["primary_key"] or [])
        fk_cols = {c: f"-> {f['references']}" for f in t["foreign_keys"] for c in f["columns"]}
        uniq = {c for u in t["unique"] for c in u["columns"]}
        for c in t["columns"]:
            key = " ".join(
                x
                for x in (
                    "PK" if c["name"] in pk else "",
                    "UQ" if c["name"] in uniq else "",
                    fk_cols.get(c["name"], ""),
                )
                if x
            )
            extra = " identity" if c["identity"] else (" generated" if c["generated"] else "")
            row = [c["name"], c["type"] + extra, "yes" if c["nullable"] else "no", key]
            if with_concept:
                row.append(c.get("concept") or "")
            if with_gen:
                row.append(c.get("generator") or "")
            grid.add_row(*row)
        console.print(grid)
        for key in t["unique"]:
            if key["expressions"] or key["where"]:  # plain keys show as UQ in the grid
                where = f" WHERE {key['where']}" if key["where"] else ""
                shown = ", ".join(key["expressions"] or key["columns"])
                console.print(f"  unique {key['name']}: ({shown}){where}", markup=False)
        for chk in t["checks"]:
            console.print(f"  check {chk['name']}: {chk['expression']}")
    if "tiers" in data:
        console.print("[bold]dependency tiers[/] (each tier loads concurrently):")
        for i, tier in enumerate(data["tiers"]):
            parts = []
            for unit in tier:
                label = " + ".join(unit["tables"])
                if unit["deferred"]:
                    label += (
                        " ["
                        + "; ".join(
                            f"{d['table']}.{d['fk']}: {d['method']}" for d in unit["deferred"]
                        )
                        + "]"
                    )
                parts.append(label)
            console.print(f"  {i}: {', '.join(parts)}")
        for p in data.get("problems", []):
            console.print(f"[red]cannot seed:[/] {p}")
        for w in data.get("warnings", []):
            console.print(f"[yellow]warning:[/] {w}")


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, default=str)


def print_plan_extras(console: Console, data: dict[str, Any]) -> None:
    """The parts of a plan beyond the schema: rows, fan-outs, method, checks, realism."""
    data = literal(data)
    rows = data.get("rows", {})
    notes = data.get("notes", {})
    console.print(
        f"[bold]rows to write[/] ({sum(rows.values()):,} in all, "
        f"by {data.get('load_method', '?')}):"
    )
    skipped = data.get("skipped", {})
    for name, n in rows.items():
        extra = f"  ({'; '.join(notes[name])})" if name in notes else ""
        if name in skipped:
            extra = f"  [yellow]skipped[/]: {skipped[name]}"
        console.print(f"  {name}: {n:,}{extra}")
    checks = data.get("verify_checks")
    if checks:
        console.print(
            f"[bold]verification[/]: {checks['row_counts']} row counts, "
            f"{checks['orphan_checks']} orphan checks, {checks['duplicate_checks']} "
            "duplicate-key checks"
        )
    chosen = data.get("settings")
    if chosen:
        console.print(
            "[bold]settings[/] (a flag, else FASTSEED_<OPTION>, else the file, else the default):"
        )
        for name, s in chosen.items():
            value = s["value"]
            shown = ",".join(map(str, value)) if isinstance(value, list) else str(value)
            console.print(f"  {name}: {shown}  [dim]({s['from']})[/]")
    real = data.get("realism")
    if real:
        for check in real["checks_as_rules"]:
            console.print(f"  check handled by generation: {check}")
        for check in real["checks_not_understood"]:
            console.print(f"  check tested in the database before loading: {check}")
        generic = real["generic_text_columns"]
        share = _share(len(generic), real["text_columns"])
        console.print(
            f"{len(generic)} of {real['text_columns']} text columns use generic words{share}"
            + (f": {', '.join(generic)}" if generic else "")
        )


def _share(part: int, whole: int) -> str:
    """' (4.8%)': the generic-word share `plan` and `seed` print (issue 13 keeps it <= 5%)."""
    return f" ({part / whole:.1%})" if whole else ""
