"""Scenario files: loading, validation messages with FILE:LINE, discovery, the JSON Schema,
and checks against a catalog."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from datetime import date, time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from helpers import catalog, col, fk, table, text

from fastseed.errors import ConfigError
from fastseed.scenario import (
    ANOMALY_KINDS,
    DISTRIBUTIONS,
    ON_EXISTING,
    AnomalySpec,
    ColumnSpec,
    FanOut,
    Scenario,
    TableSpec,
    find_scenario,
    load_scenario,
    resolve_fk,
    resolve_table,
    validate_against_catalog,
)
from fastseed.scenario.file import SCHEMA_PATH
from fastseed.scenario.lines import dotted, key_lines
from fastseed.schema import Column, ColumnType, Kind, Table, TableName

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "fastseed.example.toml"
TS = ColumnType(Kind.TIMESTAMP, "timestamp")


def write(tmp_path: Path, body: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def error(tmp_path: Path, body: str) -> str:
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    assert info.value.exit_code == 3
    return str(info.value)


def line_of(body: str, needle: str) -> int:
    return next(i for i, line in enumerate(body.splitlines(), 1) if needle in line)


# --- the example file ---------------------------------------------------------------------


def test_example_loads_into_the_expected_scenario() -> None:
    scenario = load_scenario(EXAMPLE)
    assert scenario == Scenario(
        source=str(EXAMPLE),
        seed=42,
        locale="en",
        rows=1000,
        scale=1.0,
        batch_size=5000,
        workers=4,
        schemas=("public",),
        include=("*",),
        exclude=("audit_*",),
        on_existing="append",
        anomalies=AnomalySpec(enabled=True, share=0.01, kinds=ANOMALY_KINDS),
        tables=(
            (
                "users",
                TableSpec(
                    rows=100, columns=(("nickname", ColumnSpec(provider="person.username")),)
                ),
            ),
            (
                "orders",
                TableSpec(
                    per_parent=(("user_id", FanOut(3, 5)),),
                    columns=(
                        (
                            "status",
                            ColumnSpec(choices=(("pending", 1.0), ("paid", 3.0), ("shipped", 5.0))),
                        ),
                        (
                            "shipped_at",
                            ColumnSpec(null_share=0.1, null_when=(("status", ("pending",)),)),
                        ),
                        ("total", ColumnSpec(range=(5, 500))),
                        (
                            "created_at",
                            ColumnSpec(range=("2024-01-01T00:00:00", "2026-06-30T23:59:59")),
                        ),
                        ("reference", ColumnSpec(pattern="^ORD-[0-9]{6}$")),
                        ("channel", ColumnSpec(constant="web", has_constant=True)),
                    ),
                ),
            ),
            ("reviews", TableSpec(rows=200, use_existing_parents=("product_id",))),
        ),
    )


def test_example_lines_point_at_the_keys() -> None:
    body = EXAMPLE.read_text()
    lines = load_scenario(EXAMPLE).lines
    assert lines["seed"] == line_of(body, "seed = 42")
    assert lines["tables.users"] == line_of(body, "[tables.users]")
    assert lines["tables.orders.columns.status"] == line_of(body, "[tables.orders.columns.status]")
    assert lines["tables.orders.per_parent.user_id"] == line_of(body, "per_parent = { user_id")
    assert lines["anomalies.kinds[3]"] == line_of(body, '"unicode",')


def schema_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def as_json(value: Any) -> Any:
    """TOML dates and times become strings, as editors (taplo) present them to a JSON Schema."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def test_example_validates_against_the_json_schema() -> None:
    data = tomllib.loads(EXAMPLE.read_text())
    errors = [e.message for e in schema_validator().iter_errors(as_json(data))]
    assert errors == []


def test_schema_enums_follow_the_model_and_mimesis() -> None:
    from mimesis.locales import Locale

    schema = json.loads(SCHEMA_PATH.read_text())
    props, defs = schema["properties"], schema["$defs"]
    assert set(props["locale"]["enum"]) == {locale.value for locale in Locale}
    assert tuple(props["on_existing"]["enum"]) == ON_EXISTING
    assert tuple(props["anomalies"]["properties"]["kinds"]["items"]["enum"]) == ANOMALY_KINDS
    fan_out_table = defs["fan_out"]["oneOf"][2]
    assert tuple(fan_out_table["properties"]["distribution"]["enum"]) == DISTRIBUTIONS
    columns = set(defs["column"]["properties"])
    assert columns == {"null", "null_when", "choices", "range", "provider", "pattern", "value"}


@pytest.mark.parametrize(
    "data",
    [
        {"rowz": 1},
        {"scale": 0},
        {"on_existing": "replace"},
        {"anomalies": {"kinds": ["typos"]}},
        {"anomalies": {"share": "110%"}},
        {"tables": {"t": {"per_parent": {"a": "3-"}}}},
        {"tables": {"t": {"per_parent": {"a": {"min": 1, "distribution": "pareto"}}}}},
        {"tables": {"t": {"columns": {"c": {"choices": ["a"], "value": "b"}}}}},
        {"tables": {"t": {"columns": {"c": {"null": 1.5}}}}},
        {"tables": {"t": {"columns": {"c": {"range": [1, "x"]}}}}},
        {"tables": {"t": {"columns": {"c": {"provider": "username"}}}}},
    ],
)
def test_schema_rejects_what_the_loader_rejects(tmp_path: Path, data: dict[str, Any]) -> None:
    assert list(schema_validator().iter_errors(data))
    toml = "\n".join(_to_toml(data))
    with pytest.raises(ConfigError):
        load_scenario(write(tmp_path, toml))


def _to_toml(data: dict[str, Any], prefix: str = "") -> list[str]:
    # Just enough TOML writing for the cases above: tables become headers.
    out, subtables = [], []
    for key, value in data.items():
        if isinstance(value, dict) and not (prefix.endswith("per_parent") and "min" in value):
            subtables.append((key, value))
        else:
            out.append(f"{json.dumps(key)} = {_toml_value(value)}")
    for key, value in subtables:
        name = f"{prefix}.{key}" if prefix else key
        out += [f"[{name}]", *_to_toml(value, name)]
    return out


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)


# --- accepted forms -----------------------------------------------------------------------


def test_accepted_forms(tmp_path: Path) -> None:
    scenario = load_scenario(
        write(
            tmp_path,
            """
"$schema" = "./fastseed/scenario.schema.json"
[anomalies]
share = 0.05
kinds = ["unicode"]

[tables."public.orders"]
per_parent.a = 4
per_parent.b = "4"
per_parent."c,d" = " 3 - 5 "
per_parent.e = { min = 2 }
per_parent.f = { min = 0, max = 9, distribution = "zipf" }

[tables."public.orders".columns]
flag = { value = false }
kind = { choices = ["x", 1, true], null = 0 }
day = { range = [2024-01-01, 2024-12-31] }
at = { range = ["10:00", "18:30"] }
shipped = { null_when = { status = "pending" } }
""",
        )
    )
    assert scenario.anomalies == AnomalySpec(enabled=True, share=0.05, kinds=("unicode",))
    spec = scenario.table("public.orders")
    assert spec is not None
    assert dict(spec.per_parent) == {
        "a": FanOut(4, 4),
        "b": FanOut(4, 4),
        "c,d": FanOut(3, 5),
        "e": FanOut(2, 2),
        "f": FanOut(0, 9, "zipf"),
    }
    assert spec.column("flag") == ColumnSpec(constant=False, has_constant=True)
    assert spec.column("kind") == ColumnSpec(
        null_share=0.0, choices=(("x", 1.0), (1, 1.0), (True, 1.0))
    )
    assert spec.column("day") == ColumnSpec(range=(date(2024, 1, 1), date(2024, 12, 31)))
    assert spec.column("at") == ColumnSpec(range=("10:00", "18:30"))
    assert spec.column("shipped") == ColumnSpec(null_when=(("status", ("pending",)),))
    assert spec.column("missing") is None
    assert scenario.where("tables.public.orders.columns.kind.choices[2]") == f"{tmp_path}/s.toml:16"


def test_empty_file_means_nothing_said(tmp_path: Path) -> None:
    assert load_scenario(write(tmp_path, "# nothing\n")) == Scenario(
        source=str(tmp_path / "s.toml")
    )


def test_anomalies_section_can_be_switched_off(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, "[anomalies]\nenabled = false\nshare = '5%'\n"))
    assert scenario.anomalies == AnomalySpec(enabled=False, share=0.05)


# --- errors: one line, FILE:LINE, a close match -------------------------------------------

BAD = [
    ("seed = 1\nrowz = 5\n", 2, "unknown key 'rowz' (did you mean 'rows'?)"),
    (
        "[tables.users]\nrows = 1\nrowz = 1\n",
        3,
        "tables.users: unknown key 'rowz' (did you mean 'rows'?)",
    ),
    (
        '[tables."public.users"]\n\n\nper_parnet = {}\n',
        4,
        "unknown key 'per_parnet' (did you mean 'per_parent'?)",
    ),
    (
        "[tables.o.columns.s]\nchoises = ['a']\n",
        2,
        "tables.o.columns.s: unknown key 'choises' (did you mean 'choices'?)",
    ),
    (
        "[tables.o]\n\nper_parent = { u = { min = 1, mx = 3 } }\n",
        3,
        "tables.o.per_parent.u: unknown key 'mx' (did you mean 'max'?)",
    ),
    ("[anomalis]\nenabled = true\n", 1, "unknown key 'anomalis' (did you mean 'anomalies'?)"),
    ("[anomalies]\nenable = true\n", 2, "unknown key 'enable' (did you mean 'enabled'?)"),
    ('rows = "many"\n', 1, "rows: expected an integer, got 'many'"),
    ("rows = -1\n", 1, "rows: must be at least 0, got -1"),
    ("workers = 0\n", 1, "workers: must be at least 1"),
    ("batch_size = 1.5\n", 1, "batch_size: expected an integer, got 1.5"),
    ("scale = 0\n", 1, "scale: expected a number above 0, got 0"),
    ("seed = true\n", 1, "seed: expected an integer, got true"),
    ("tables = 3\n", 1, "tables: expected a table, got 3"),
    ('schemas = "public"\n', 1, "schemas: expected an array of strings, got 'public'"),
    ('include = ["a",\n  3]\n', 2, "include[1]: expected a non-empty string, got 3"),
    (
        'on_existing = "truncat"\n',
        1,
        "'truncat' is not one of append, truncate, fail (did you mean 'truncate'?)",
    ),
    ('locale = "english"\n', 1, "locale: unknown mimesis locale 'english'"),
    ("[anomalies]\nenabled = 'yes'\n", 2, "anomalies.enabled: expected true or false, got 'yes'"),
    ("[anomalies]\nshare = '110%'\n", 2, "anomalies.share: '110%' is not between 0% and 100%"),
    ("[anomalies]\nshare = 10\n", 2, "10 is not between 0 and 1 (did you mean '10%'?)"),
    ("[anomalies]\nshare = 'ten'\n", 2, "expected a percentage like '10%' or a share like 0.1"),
    (
        "[anomalies]\nkinds = [\n  'unicode',\n  'unicod',\n]\n",
        4,
        "anomalies.kinds[1]: 'unicod' is not one of duplicates, boundaries, max_length, unicode,"
        " whitespace, empty (did you mean 'unicode'?)",
    ),
    ("[anomalies]\nkinds = []\n", 2, "anomalies.kinds: name at least one of"),
    ("[anomalies]\nkinds = ['empty', 'empty']\n", 2, "anomalies.kinds[1]: 'empty' is listed twice"),
    ("[tables.o.columns.c]\nnull = '110%'\n", 2, "tables.o.columns.c.null: '110%' is not between"),
    ("[tables.o.columns.c]\nnull = -0.1\n", 2, "-0.1 is not between 0 and 1"),
    (
        "[tables.o]\nper_parent = { u = '5-3' }\n",
        2,
        "tables.o.per_parent.u: min 5 is greater than max 3",
    ),
    ("[tables.o]\n\nper_parent.u = { min = 5, max = 3 }\n", 3, "min 5 is greater than max 3"),
    (
        "[tables.o]\nper_parent = { u = 'many' }\n",
        2,
        "expected a count like '3-5' or '4', got 'many'",
    ),
    ("[tables.o]\nper_parent = { u = {} }\n", 2, "tables.o.per_parent.u: 'min' is missing"),
    (
        "[tables.o]\nper_parent.u = { min = 1, distribution = 'zipff' }\n",
        2,
        "'zipff' is not one of uniform, normal, zipf (did you mean 'zipf'?)",
    ),
    ("[tables.o]\nper_parent = 3\n", 2, "tables.o.per_parent: expected a table, got 3"),
    ("[tables.o]\nuse_existing_parents = 'u'\n", 2, "expected an array of strings, got 'u'"),
    (
        "[tables.o.columns.c]\nchoices = ['a']\n# why\nrange = [1, 2]\n",
        4,
        "tables.o.columns.c: 'choices' and 'range' cannot be combined",
    ),
    (
        "[tables.o.columns]\nc = { provider = 'person.name', value = 1 }\n",
        2,
        "'provider' and 'value' cannot be combined",
    ),
    ("[tables.o.columns.c]\nchoices = []\n", 2, "give at least one choice"),
    (
        "[tables.o.columns.c]\nchoices = { a = 0, b = 0 }\n",
        2,
        "at least one weight must be above 0",
    ),
    (
        "[tables.o.columns.c]\nchoices = { a = -1 }\n",
        2,
        "choices.a: a weight is a number ≥ 0, got -1",
    ),
    ("[tables.o.columns.c]\nchoices = ['a', 'b', 'a']\n", 2, "choices[2]: 'a' is listed twice"),
    ("[tables.o.columns.c]\nchoices = [['a']]\n", 2, "expected a single value, got an array"),
    ("[tables.o.columns.c]\nrange = [500, 5]\n", 2, "range: min 500 is greater than max 5"),
    ("[tables.o.columns.c]\nrange = [1]\n", 2, "expected [min, max], got an array"),
    ("[tables.o.columns.c]\nrange = ['2024-01-01', 5]\n", 2, "two dates/datetimes/times of one"),
    ("[tables.o.columns.c]\nrange = ['2024-01-01', '2024-01-01T10:00']\n", 2, "of one kind"),
    (
        "[tables.o.columns.c]\nrange = ['2025-01-01', '2024-01-01']\n",
        2,
        "min '2025-01-01' is greater",
    ),
    ("[tables.o.columns.c]\nrange = ['soon', 'later']\n", 2, "expected two numbers, or two dates"),
    (
        "[tables.o.columns.c]\nrange = ['2024-01-01T00:00+00:00', '2024-02-01T00:00']\n",
        2,
        "with a time zone offset, or neither",
    ),
    (
        "[tables.o.columns.c]\nprovider = 'person.usrname'\n",
        2,
        "unknown mimesis provider 'person.usrname' (did you mean 'person.username'?)",
    ),
    ("[tables.o.columns.c]\nprovider = ''\n", 2, "expected a non-empty string, got ''"),
    ("[tables.o.columns.c]\npattern = '(?P<x>a)'\n", 2, "pattern '(?P<x>a)' is not supported"),
    ("[tables.o.columns.c]\nnull_when = {}\n", 2, "null_when: name a column and its values"),
    ("[tables.o.columns.c]\nnull_when = { c = [1] }\n", 2, "'c' cannot depend on itself"),
    ("[tables.o.columns.c]\nnull_when = { s = [] }\n", 2, "null_when.s: give at least one value"),
    ("[tables.o.columns]\nc = 3\n", 2, "tables.o.columns.c: expected a table, got 3"),
    ("[tables.' ']\nrows = 1\n", 1, "tables: a table name cannot be empty"),
    ("seed = 1\nrows = [1,\n", 3, "invalid TOML"),
    ("seed = 1\nseed = 2\n", 2, "invalid TOML: Cannot overwrite a value"),
]


@pytest.mark.parametrize(("body", "line", "message"), BAD, ids=[m for _, _, m in BAD])
def test_bad_input_is_one_line_with_file_and_line(
    tmp_path: Path, body: str, line: int, message: str
) -> None:
    text_ = error(tmp_path, body)
    assert text_.startswith(f"{tmp_path / 's.toml'}:{line}: "), text_
    assert message in text_
    assert "\n" not in text_


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.toml: no such file"):
        load_scenario(tmp_path / "missing.toml")
    path = tmp_path / "latin1.toml"
    path.write_bytes(b"seed = 1\nlocale = '\xe9'\n")
    with pytest.raises(ConfigError, match=r"latin1.toml:2: not UTF-8"):
        load_scenario(path)


# --- line scanner -------------------------------------------------------------------------


def test_key_lines_skip_strings_and_comments() -> None:
    body = '''# [not.a.header]
a = """
b = 1 [x]
"""""
c = \'\'\'
d = 2\'\'\'
e = [ # comment with = and [
  { f = 1, "g.h" = 'i' },
]
[ t . "x\\u0041" ]   # comment
k = 1979-05-27 07:32:00Z
[[arr]]
z = 1
[[arr]]
z = 2
'''
    tomllib.loads(body)  # the scanner only ever sees valid TOML
    lines = {dotted(path): line for path, line in key_lines(body).items()}
    assert lines == {
        "a": 2,
        "c": 5,
        "e": 7,
        "e[0]": 8,
        "e[0].f": 8,
        "e[0].g.h": 8,
        "t": 10,
        "t.xA": 10,
        "t.xA.k": 11,
        "arr": 12,
        "arr[0]": 12,
        "arr[0].z": 13,
        "arr[1]": 14,
        "arr[1].z": 15,
    }


# --- discovery ----------------------------------------------------------------------------


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FASTSEED_CONFIG", raising=False)
    return tmp_path


def test_discovery_order(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert find_scenario(None) is None
    write(workdir, "", "fastseed.toml")
    assert find_scenario(None) == Path("fastseed.toml")
    env = write(workdir, "", "env.toml")
    monkeypatch.setenv("FASTSEED_CONFIG", str(env))
    assert find_scenario(None) == env
    flag = write(workdir, "", "flag.toml")
    assert find_scenario(str(flag)) == flag
    monkeypatch.setenv("FASTSEED_CONFIG", "")  # set but empty: as if unset
    assert find_scenario(None) == Path("fastseed.toml")


def test_named_files_must_exist(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(workdir, "", "fastseed.toml")  # never a silent fallback from a named file
    with pytest.raises(ConfigError, match=r"^nope.toml: no such file \(given by --config\)$"):
        find_scenario("nope.toml")
    with pytest.raises(ConfigError, match="is not a file"):
        find_scenario(str(workdir))
    monkeypatch.setenv("FASTSEED_CONFIG", "gone.toml")
    with pytest.raises(ConfigError, match=r"gone.toml: no such file \(given by FASTSEED_CONFIG\)"):
        find_scenario(None)


# --- against a catalog --------------------------------------------------------------------


def shop() -> Any:
    users = table("users", [col("id"), col("nickname", text(40), nullable=True)])
    products = table("products", [col("id")])
    orders = table(
        "orders",
        [
            col("id"),
            col("user_id"),
            col("seller_id"),
            col("status", text(10)),
            col("shipped_at", TS, nullable=True),
            col("created_at", TS),
            col("total"),
            col("reference", text(10)),
            col("channel", text(10)),
            Column("total_x2", ColumnType(Kind.INTEGER, "integer"), False, generated=True),
        ],
        fks=(
            fk("orders_user_fk", ("user_id",), "users"),
            fk("orders_seller_fk", ("seller_id",), "users"),
        ),
    )
    reviews = table(
        "reviews", [col("id"), col("product_id")], fks=(fk("r_p", ("product_id",), "products"),)
    )
    lines = table(
        "lines",
        [col("order_id"), col("line_no"), col("product_id")],
        pk=("order_id", "line_no"),
        fks=(
            fk("lines_order_fk", ("order_id", "line_no"), "order_lines", ("order_id", "line_no")),
            fk("lines_product_fk", ("product_id",), "products"),
        ),
    )
    sales_orders = Table(TableName("sales", "orders"), (col("id"),))
    cat = catalog(users, products, orders, reviews, lines)
    cat.tables[sales_orders.name] = sales_orders
    return cat


def test_example_fits_a_matching_catalog() -> None:
    cat = shop()
    del cat.tables[TableName("sales", "orders")]  # else the bare 'orders' is ambiguous
    validate_against_catalog(load_scenario(EXAMPLE), cat)


CATALOG_BAD = [
    (
        "[tables.userz]\nrows = 1\n",
        1,
        "tables.userz: no table 'userz' in the database (did you mean 'users'?)",
    ),
    ("[tables.orders]\nrows = 1\n", 1, "table 'orders' is ambiguous (public.orders, sales.orders)"),
    (
        "[tables.users]\n[tables.'public.users']\n",
        2,
        "public.users is already configured as 'users'",
    ),
    (
        "[tables.'public.orders'.columns.shiped_at]\nnull = 0.1\n",
        1,
        "public.orders has no column 'shiped_at' (did you mean 'shipped_at'?)",
    ),
    (
        "[tables.'public.orders']\nper_parent = { usr_id = 3 }\n",
        2,
        "public.orders has no foreign key 'usr_id' (did you mean 'user_id'?)",
    ),
    (
        "[tables.'public.orders']\nper_parent = { users = 3 }\n",
        2,
        "'users' matches 2 foreign keys of public.orders (user_id, seller_id)",
    ),
    (
        "[tables.'public.orders']\nper_parent = { user_id = 3, orders_user_fk = 2 }\n",
        2,
        "names the same foreign key as 'user_id'",
    ),
    (
        "[tables.'public.orders']\nuse_existing_parents = [\n  'user_id',\n  'buyer_id',\n]\n",
        4,
        "use_existing_parents[1]: public.orders has no foreign key 'buyer_id'",
    ),
    ("[tables.products]\nper_parent = { users = 3 }\n", 2, "public.products has no foreign keys"),
    (
        "[tables.'public.orders'.columns.status]\nnull = '5%'\n",
        1,
        "'status' is NOT NULL, so it cannot be made NULL",
    ),
    (
        "[tables.'public.orders'.columns.shipped_at]\nnull_when = { stat = 'x' }\n",
        2,
        "null_when.stat: public.orders has no column 'stat' (did you mean 'status'?)",
    ),
    (
        "[tables.'public.orders'.columns.total_x2]\nvalue = 1\n",
        1,
        "'total_x2' is a generated column",
    ),
    (
        'schemas = ["public", "sale"]\n',
        1,
        "schemas[1]: no schema 'sale' with tables (did you mean 'sales'?)",
    ),
]


@pytest.mark.parametrize(
    ("body", "line", "message"), CATALOG_BAD, ids=[m for _, _, m in CATALOG_BAD]
)
def test_catalog_mismatches(tmp_path: Path, body: str, line: int, message: str) -> None:
    scenario = load_scenario(write(tmp_path, body))
    with pytest.raises(ConfigError) as info:
        validate_against_catalog(scenario, shop())
    text_ = str(info.value)
    assert text_.startswith(f"{tmp_path / 's.toml'}:{line}: "), text_
    assert message in text_


def test_resolve_fk_forms() -> None:
    cat = shop()
    orders = resolve_table(cat, "public.orders")
    lines = resolve_table(cat, "lines")
    assert resolve_fk(orders, "orders_seller_fk").columns == ("seller_id",)
    assert resolve_fk(orders, "user_id").name == "orders_user_fk"
    assert resolve_fk(lines, "order_id,line_no").name == "lines_order_fk"
    assert resolve_fk(lines, "line_no, order_id").name == "lines_order_fk"
    assert resolve_fk(lines, "products").name == "lines_product_fk"
    assert resolve_fk(lines, "public.order_lines").name == "lines_order_fk"
    with pytest.raises(ConfigError, match="matches 2 foreign keys"):
        resolve_fk(orders, "public.users")


def test_partitions_are_configured_through_their_parent() -> None:
    part = Table(
        TableName("public", "orders_2024"), (col("id"),), partition_of=TableName("public", "o")
    )
    cat = catalog(part)
    with pytest.raises(ConfigError, match=r"is a partition of public\.o"):
        resolve_table(cat, "orders_2024")


def test_sqlite_names_have_no_schema() -> None:
    t = Table(TableName(None, "users"), (col("id"),))
    cat = catalog(t)
    assert resolve_table(cat, "users") is t
    validate_against_catalog(Scenario(schemas=("main",), tables=(("users", TableSpec()),)), cat)


# --- module surface -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "module", ["fastseed.scenario.file", "fastseed.scenario.catalog", "fastseed.scenario.lines"]
)
def test_loader_modules_import_first_without_a_cycle(module: str) -> None:
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True, cwd=ROOT)


def test_schema_file_is_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["fastseed"]
    assert any(SCHEMA_PATH.match(p) for p in patterns)
    assert SCHEMA_PATH.parent == ROOT / "fastseed"


def test_where_falls_back_to_the_enclosing_key() -> None:
    scenario = Scenario(source="f.toml", lines={"tables.orders": 4, "tables.orders.rows": 5})
    assert scenario.where("tables.orders.rows") == "f.toml:5"
    assert scenario.where("tables.orders.columns.x[2]") == "f.toml:4"
    assert scenario.where("seed") == "f.toml"
    assert Scenario().where("seed") == "scenario"
