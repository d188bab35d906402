"""Text an application writes: prose (descriptions, messages, reasons), short titles and
labels, statuses and categories, actions and events, settings and their values, JSON and XML
documents, log lines, SQL, class names, cron expressions, search filters, keywords, names of
things in a system (queues, namespaces, plugins) and the users who act on rows."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np

from fastseed.generate import hashing as h
from fastseed.generate import text as utf8
from fastseed.generate.concepts.kit import (
    fitted,
    join_first,
    listed_utf8,
    pick,
    pick_utf8,
    skew_weights,
)
from fastseed.generate.concepts.registry import Concept, Ctx, Made, Maker, register
from fastseed.generate.concepts.valid import (
    NAME,
    TEXT,
    WORD,
    json_text,
    matches,
    regex_text,
    xml_text,
)

if TYPE_CHECKING:
    from collections.abc import Callable

STATUS = ["active", "pending", "completed", "cancelled", "archived", "failed"]
CATEGORY = ["standard", "premium", "basic", "internal", "partner", "trial"]
CATEGORY_NAMES = [
    "Electronics", "Books", "Home & Kitchen", "Toys", "Garden", "Sports", "Beauty", "Clothing",
    "Shoes", "Jewelry", "Grocery", "Health", "Automotive", "Office", "Pet Supplies", "Music",
    "Movies", "Tools", "Baby", "Outdoors", "Furniture", "Crafts", "Video Games", "Software",
    "Travel", "Luggage",
]  # fmt: skip
CRON = [
    "0 0 * * * ?", "0 */5 * * * ?", "0 0 2 * * ?", "0 30 6 ? * MON-FRI", "0 0 0 1 * ?",
    "0 15 10 ? * 6L", "0 0/30 8-18 ? * *",
]  # fmt: skip
GROUP_LABELS = [
    "DEFAULT", "reports", "billing", "maintenance", "sync", "notifications", "cleanup",
    "imports", "exports", "analytics",
]  # fmt: skip
_ENTITIES = ["task", "comment", "project", "user", "file", "order", "invoice", "subtask"]
_VERBS = ["create", "update", "close", "open", "move", "delete", "assign", "comment"]
_ACTIONS = ["create", "update", "delete", "read", "login", "logout", "export", "import", "grant", "revoke"]  # fmt: skip
_FILTERS = [
    "status:open", "assignee:me", "status:closed", "priority:high", "due:tomorrow",
    "category:bug", "color:red", "created:today",
]  # fmt: skip
_UNITS = ["boxes", "bags", "bottles", "jars", "cans", "packs", "pieces", "tins"]
_MODES = ["open", "closed", "default", "manual", "automatic", "none", "all", "owner", "members"]
_PERMISSIONS = ["read", "write", "read,write", "admin", "execute", "read,execute", "none"]
_PROTOCOLS = ["https", "http", "grpc", "tcp", "udp", "websocket", "mqtt", "amqp"]
_LEVELS = ["info", "warn", "error", "debug"]
_SETTING_WORDS = ["true", "false", "enabled", "disabled", "auto", "default", "none", "UTC"]
_ENVIRONMENTS = ["production", "staging", "development", "test", "qa", "sandbox"]
_SUFFIXES = ["service", "worker", "queue", "cluster", "node", "gateway", "api", "store", "cache"]


def _listed(items: list[str], label: str) -> Maker:
    def make(ctx: Ctx) -> Made:
        return Made(lambda idx: pick(items, ctx.key, idx, skew=True), label, pool=items, skew=True)

    return make


def _words(ctx: Ctx, idx: h.I64, count: int, salt: int = 0) -> list[list[str]]:
    pool = ctx.pools.get("word")
    return [pick(pool, ctx.key, idx, salt + k) for k in range(count)]


# Each maker below that builds its values from picks also builds them as one UTF-8 buffer
# (`Made.utf8`): the same picks of pools whose entries were formatted once (capitalised,
# lowercased, JSON-quoted), so the encoders get a column without a Python string per row.


def _lower(sep: str) -> Callable[[str], str]:
    return lambda w: w.lower().replace(" ", sep)


def _word_form(ctx: Ctx, form: str, fn: Callable[[str], str]) -> Callable[[], utf8.Utf8Array]:
    """The word pool with `fn` applied to each entry, built when a batch first asks for it:
    the planner makes a column's generator to learn its capacity and needs no pool."""
    return lambda: ctx.pools.utf8_form("word", form, fn)


def _encoded(ctx: Ctx, name: str) -> Callable[[], utf8.Utf8Array]:
    """A pool as one UTF-8 buffer, built when a batch first asks for it."""
    return lambda: ctx.pools.utf8(name)


def _const(value: str, idx: h.I64) -> utf8.Utf8Array:
    return utf8.constant(value, len(idx))


def _fit_prose(sentences: list[list[str]], counts: list[int], room: int | None) -> list[str]:
    """Up to `counts[j]` sentences for row j, as many whole ones as `room` holds; a first
    sentence longer than the room is cut at a word and closed with a period."""
    out = []
    for j, k in enumerate(counts):
        text = sentences[0][j]
        for s in sentences[1:k]:
            if room is not None and len(text) + 1 + len(s[j]) > room:
                break
            text = f"{text} {s[j]}"
        if room is not None and len(text) > room:
            cut = text[: room - 1].rsplit(" ", 1)[0].rstrip(",;:") if room > 2 else ""
            text = (cut + ".") if cut else text[:room]
        out.append(text)
    return out


def _paragraph(ctx: Ctx) -> Made:
    pool = ctx.pools.get("sentence")

    def fn(idx: h.I64) -> list[str]:
        k = ((h.uniform(ctx.key + 7, idx) * 3).astype(int) + 1).tolist()
        picks = [pick(pool, ctx.key, idx, s) for s in range(3)]
        return _fit_prose(picks, k, ctx.length)

    encoded = _encoded(ctx, "sentence")

    def whole(idx: h.I64) -> utf8.Utf8Array:
        k = (h.uniform(ctx.key + 7, idx) * 3).astype(np.int64) + 1
        return join_first([pick_utf8(encoded(), ctx.key, idx, s) for s in range(3)], k, " ")

    return Made(fn, "mimesis sentences", utf8=fitted(whole, fn, ctx.length))


def _sentence(ctx: Ctx) -> Made:
    pool = ctx.pools.get("sentence")
    if ctx.length is None or max(map(len, pool)) <= ctx.length:
        return Made(lambda idx: pick(pool, ctx.key, idx), "mimesis sentence", pool=pool)

    def fn(idx: h.I64) -> list[str]:
        return _fit_prose([pick(pool, ctx.key, idx)], [1] * len(idx), ctx.length)

    encoded = _encoded(ctx, "sentence")
    whole = fitted(lambda idx: pick_utf8(encoded(), ctx.key, idx), fn, ctx.length)
    return Made(fn, "mimesis sentence", utf8=whole)


def _title(ctx: Ctx) -> Made:
    """Two to five capitalised words, no final period (a book, a project, a task)."""

    def fn(idx: h.I64) -> list[str]:
        words = _words(ctx, idx, 5)
        n = h.integers(ctx.key + 9, idx, 2, 5).tolist()
        return [
            " ".join(
                w[j].capitalize() if i == 0 or len(w[j]) > 3 else w[j]
                for i, w in enumerate(words[:k])
            )
            for j, k in enumerate(n)
        ]

    first = _word_form(ctx, "capitalize", str.capitalize)
    rest = _word_form(ctx, "capitalize-long", lambda w: w.capitalize() if len(w) > 3 else w)

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        n = h.integers(ctx.key + 9, idx, 2, 5)
        parts = [pick_utf8(first() if k == 0 else rest(), ctx.key, idx, k) for k in range(5)]
        return join_first(parts, n, " ")

    return Made(fn, "title of 2-5 words", utf8=encoded)


def _label(ctx: Ctx) -> Made:
    def fn(idx: h.I64) -> list[str]:
        a, b = _words(ctx, idx, 2)
        return [f"{x.title()} {y.title()}" for x, y in zip(a, b, strict=True)]

    titled = _word_form(ctx, "title", str.title)

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        a, b = (pick_utf8(titled(), ctx.key, idx, k) for k in range(2))
        return utf8.concat([a, _const(" ", idx), b])

    return Made(fn, "title-case label", utf8=encoded)


def _identifier(ctx: Ctx) -> Made:
    """A name a system gives a thing: 'billing-queue', 'orders_worker'."""

    def fn(idx: h.I64) -> list[str]:
        (a,) = _words(ctx, idx, 1)
        tail = pick(_SUFFIXES, ctx.key, idx, 5, skew=True)
        sep = pick(["-", "_"], ctx.key, idx, 6)
        return [f"{x.lower().replace(' ', s)}{s}{t}" for x, t, s in zip(a, tail, sep, strict=True)]

    dashed, underscored = (
        _word_form(ctx, "lower-", _lower("-")),
        _word_form(ctx, "lower_", _lower("_")),
    )

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        under = h.choose(ctx.key + 6, idx, 2) == 1
        word = utf8.choose_rows(
            under, pick_utf8(underscored(), ctx.key, idx), pick_utf8(dashed(), ctx.key, idx)
        )
        sep = utf8.choose_rows(under, _const("_", idx), _const("-", idx))
        return utf8.concat([word, sep, listed_utf8(_SUFFIXES, ctx.key, idx, 5, skew=True)])

    return Made(fn, "system name (word + kind)", utf8=encoded)


def _keywords(ctx: Ctx) -> Made:
    def fn(idx: h.I64) -> list[str]:
        a, b, c = _words(ctx, idx, 3)
        return [",".join(dict.fromkeys([x, y, z])) for x, y, z in zip(a, b, c, strict=True)]

    words = _encoded(ctx, "word")
    firsts: list[h.I64] = []

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        pool = ctx.pools.get("word")
        if not firsts:  # each word's first position in the pool: equal words compare equal
            seen: dict[str, int] = {}
            firsts.append(np.array([seen.setdefault(w, i) for i, w in enumerate(pool)]))
        a, b, c = (firsts[0][h.choose(ctx.key + k, idx, len(pool))] for k in range(3))
        comma = _const(",", idx)
        second = utf8.keep_rows(utf8.concat([comma, words().take(b)]), b != a)
        third = utf8.keep_rows(utf8.concat([comma, words().take(c)]), (c != a) & (c != b))
        return utf8.concat([words().take(a), second, third])

    return Made(fn, "comma-separated keywords", utf8=encoded)


def _json(ctx: Ctx) -> Made:
    def fn(idx: h.I64) -> list[str]:
        (w,) = _words(ctx, idx, 1)
        env = pick(_ENVIRONMENTS, ctx.key, idx, 3, skew=True)
        n = h.integers(ctx.key + 4, idx, 1, 100).tolist()
        return [
            json.dumps({"name": x, "env": e, "retries": k}, separators=(",", ":"))
            for x, e, k in zip(w, env, n, strict=True)
        ]

    quoted = _word_form(ctx, "json", json.dumps)
    envs = [json.dumps(e) for e in _ENVIRONMENTS]

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        return utf8.concat(
            [
                _const('{"name":', idx),
                pick_utf8(quoted(), ctx.key, idx),
                _const(',"env":', idx),
                listed_utf8(envs, ctx.key, idx, 3, skew=True),
                _const(',"retries":', idx),
                utf8.integers(h.integers(ctx.key + 4, idx, 1, 100)),
                _const("}", idx),
            ]
        )

    return Made(fn, "JSON object", utf8=encoded)


def _xml(ctx: Ctx) -> Made:
    def fn(idx: h.I64) -> list[str]:
        (w,) = _words(ctx, idx, 1)
        return [f"<message><body>{x}</body></message>" for x in w]

    words = _encoded(ctx, "word")

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        body = pick_utf8(words(), ctx.key, idx)
        return utf8.concat([_const("<message><body>", idx), body, _const("</body></message>", idx)])

    return Made(fn, "small XML document", utf8=encoded)


def _log(ctx: Ctx) -> Made:
    sentences = ctx.pools.get("sentence")

    def fn(idx: h.I64) -> list[str]:
        level = pick(_LEVELS, ctx.key, idx, 1, skew=True)
        text = pick(sentences, ctx.key, idx, 2)
        return [f"[{lv.upper()}] {t}" for lv, t in zip(level, text, strict=True)]

    levels = [f"[{lv.upper()}] " for lv in _LEVELS]
    encoded_sentences = _encoded(ctx, "sentence")

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        level = listed_utf8(levels, ctx.key, idx, 1, skew=True)
        return utf8.concat([level, pick_utf8(encoded_sentences(), ctx.key, idx, 2)])

    return Made(fn, "log line", utf8=encoded)


def _sql(ctx: Ctx) -> Made:
    def fn(idx: h.I64) -> list[str]:
        a, b = _words(ctx, idx, 2)
        return [
            f"SELECT * FROM {x.lower().replace(' ', '_')} WHERE {y.lower().replace(' ', '_')} IS NOT NULL"
            for x, y in zip(a, b, strict=True)
        ]

    snake = _word_form(ctx, "lower_", _lower("_"))

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        a, b = (pick_utf8(snake(), ctx.key, idx, k) for k in range(2))
        parts = [
            _const("SELECT * FROM ", idx),
            a,
            _const(" WHERE ", idx),
            b,
            _const(" IS NOT NULL", idx),
        ]
        return utf8.concat(parts)

    return Made(fn, "SQL query", utf8=encoded)


def _setting_value(ctx: Ctx) -> Made:
    """What a settings table holds: flags, numbers, durations, words."""

    def fn(idx: h.I64) -> list[str]:
        form = h.integers(ctx.key + 1, idx, 0, 3).tolist()
        word = pick(_SETTING_WORDS, ctx.key, idx, 2, skew=True)
        num = h.integers(ctx.key + 3, idx, 1, 3600).tolist()
        (w,) = _words(ctx, idx, 1, 4)
        return [
            (x, str(n), f"{n}s", y.lower())[f]
            for f, x, n, y in zip(form, word, num, w, strict=True)
        ]

    lowered = _word_form(ctx, "lower", str.lower)

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        form = h.integers(ctx.key + 1, idx, 0, 3)
        num = utf8.integers(h.integers(ctx.key + 3, idx, 1, 3600))
        out = listed_utf8(_SETTING_WORDS, ctx.key, idx, 2, skew=True)
        out = utf8.choose_rows(form == 1, num, out)
        out = utf8.choose_rows(form == 2, utf8.concat([num, _const("s", idx)]), out)
        return utf8.choose_rows(form == 3, pick_utf8(lowered(), ctx.key, idx, 4), out)

    return Made(fn, "setting value (flag, number, duration, word)", utf8=encoded)


def _class_name(ctx: Ctx) -> Made:
    def fn(idx: h.I64) -> list[str]:
        org, pkg, name = _words(ctx, idx, 3)
        return [
            f"com.{o.lower()}.{p.lower()}.{n.title()}Handler".replace(" ", "")
            for o, p, n in zip(org, pkg, name, strict=True)
        ]

    lowered = _word_form(ctx, "lower-nospace", lambda w: w.lower().replace(" ", ""))
    titled = _word_form(ctx, "title-nospace", lambda w: w.title().replace(" ", ""))

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        org, pkg = (pick_utf8(lowered(), ctx.key, idx, k) for k in range(2))
        name = pick_utf8(titled(), ctx.key, idx, 2)
        dot = _const(".", idx)
        return utf8.concat([_const("com.", idx), org, dot, pkg, dot, name, _const("Handler", idx)])

    return Made(fn, "Java class name", utf8=encoded)


def _event(ctx: Ctx) -> Made:
    def fn(idx: h.I64) -> list[str]:
        ents = pick(_ENTITIES, ctx.key, idx, 1, skew=True)
        verbs = pick(_VERBS, ctx.key, idx, 2, skew=True)
        return [f"{e}.{v}" for e, v in zip(ents, verbs, strict=True)]

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        ents = listed_utf8(_ENTITIES, ctx.key, idx, 1, skew=True)
        verbs = listed_utf8(_VERBS, ctx.key, idx, 2, skew=True)
        return utf8.concat([ents, _const(".", idx), verbs])

    return Made(fn, "event name", utf8=encoded)


def _query(ctx: Ctx) -> Made:
    def fn(idx: h.I64) -> list[str]:
        a = pick(_FILTERS, ctx.key, idx, 1, skew=True)
        b = pick(_FILTERS, ctx.key, idx, 2, skew=True)
        return [x if x == y else f"{x} {y}" for x, y in zip(a, b, strict=True)]

    weights = skew_weights(len(_FILTERS))
    filters = utf8.from_strings(_FILTERS)  # distinct entries: equal picks, equal strings

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        a = h.choose(ctx.key + 1, idx, len(_FILTERS), weights)
        b = h.choose(ctx.key + 2, idx, len(_FILTERS), weights)
        second = utf8.concat([_const(" ", idx), filters.take(b)])
        return utf8.concat([filters.take(a), utf8.keep_rows(second, a != b)])

    return Made(fn, "search filter", utf8=encoded)


def _packaging(ctx: Ctx) -> Made:
    def fn(idx: h.I64) -> list[str]:
        a = h.integers(ctx.key, idx, 1, 48).tolist()
        b = h.integers(ctx.key + 1, idx, 1, 500).tolist()
        unit = pick(_UNITS, ctx.key, idx, 2)
        return [f"{x} {u} x {y} g" for x, u, y in zip(a, unit, b, strict=True)]

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        a = utf8.integers(h.integers(ctx.key, idx, 1, 48))
        b = utf8.integers(h.integers(ctx.key + 1, idx, 1, 500))
        unit = listed_utf8(_UNITS, ctx.key, idx, 2)
        sp = _const(" ", idx)
        return utf8.concat([a, sp, unit, _const(" x ", idx), b, _const(" g", idx)])

    return Made(fn, "packaging description", utf8=encoded)


def _actor(ctx: Ctx) -> Made:
    """Who did something to the row: a username."""

    def fn(idx: h.I64) -> list[str]:
        from fastseed.generate.concepts.person import ascii_word

        first = pick(ctx.pools.get("first_name"), ctx.key, idx, 1)
        last = pick(ctx.pools.get("last_name"), ctx.key, idx, 2)
        return [
            f"{ascii_word(a)[:1]}{ascii_word(b)}" or "admin"
            for a, b in zip(first, last, strict=True)
        ]

    from fastseed.generate.concepts.person import ascii_word

    def initials() -> utf8.Utf8Array:
        return ctx.pools.utf8_form("first_name", "ascii-initial", lambda a: ascii_word(a)[:1])  # type: ignore[no-any-return]

    def surnames() -> utf8.Utf8Array:
        return ctx.pools.utf8_form("last_name", "ascii", ascii_word)  # type: ignore[no-any-return]

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        name = utf8.concat(
            [pick_utf8(initials(), ctx.key, idx, 1), pick_utf8(surnames(), ctx.key, idx, 2)]
        )
        return utf8.choose_rows(name.lengths == 0, _const("admin", idx), name)

    return Made(fn, "username of the actor", utf8=encoded)


def _route(ctx: Ctx) -> Made:
    def fn(idx: h.I64) -> list[str]:
        a, b = _words(ctx, idx, 2)
        v = h.integers(ctx.key + 5, idx, 1, 3).tolist()
        return [
            f"/api/v{n}/{x.lower().replace(' ', '-')}/{y.lower().replace(' ', '-')}"
            for x, y, n in zip(a, b, v, strict=True)
        ]

    kebab = _word_form(ctx, "lower-", _lower("-"))

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        a, b = (pick_utf8(kebab(), ctx.key, idx, k) for k in range(2))
        version = utf8.integers(h.integers(ctx.key + 5, idx, 1, 3))
        slash = _const("/", idx)
        return utf8.concat([_const("/api/v", idx), version, slash, a, slash, b])

    return Made(fn, "URL path", utf8=encoded)


def _repeat(ctx: Ctx) -> Made:
    forms = ["R/PT1H", "R3/PT10M", "R/P1D", "R5/PT30S", "R/PT15M", "R2/P1W"]
    return Made(
        lambda idx: pick(forms, ctx.key, idx, skew=True),
        "ISO 8601 repetition",
        pool=forms,
        skew=True,
    )


def _pattern(ctx: Ctx) -> Made:
    forms = [
        "^[a-z0-9_-]{3,32}$",
        "^\\d+$",
        "^[A-Z]{2,5}-\\d{4}$",
        ".*\\.example\\.com$",
        "^/api/.*",
    ]
    return Made(
        lambda idx: pick(forms, ctx.key, idx, skew=True),
        "regular expression",
        pool=forms,
        skew=True,
    )


_PROSE = (
    ("description",), ("desc",), ("body",), ("comment",), ("note",), ("summary",), ("content",),
    ("message",), ("bio",), ("about",), ("text",), ("remark",), ("detail",), ("info",),
    ("explanation",), ("term", "of", "use"), ("instruction",), ("abstract",), ("review",),
    ("feedback",), ("answer",), ("question",), ("excerpt",), ("introduction",), ("overview",),
    ("faq", "entry"), ("notification",), ("additional", "info"), ("long", "description"),
)  # fmt: skip
_REASONS = (
    ("reason",), ("error",), ("exception",), ("exception", "message"), ("error", "message"),
    ("cause",), ("failure",), ("status", "message"), ("msg",), ("hint",), ("ui", "hint"), ("tooltip",), ("warning",),
)  # fmt: skip
_ACTORS = (
    ("owner",), ("assignee",), ("created", "by"), ("updated", "by"), ("modified", "by"),
    ("completed", "by"), ("claimed", "by"), ("started", "by"), ("approved", "by"), ("by",),
    ("operator",), ("requester",), ("request", "user"), ("approver",), ("reviewer",),
    ("creator",), ("modifier",), ("sender",), ("actor",), ("updater",), ("submitter",), ("uploader",), ("author", "id"),
)  # fmt: skip
_SYSTEM_NAMES = (
    ("namespace",), ("cluster",), ("queue",), ("queue", "name"), ("database",), ("schema",),
    ("alias",), ("module",), ("component",), ("plugin",), ("plugin", "name"), ("service",),
    ("service", "name"), ("source",), ("provider",), ("channel",), ("topic",), ("node",),
    ("tenant",), ("environment",), ("workspace",), ("realm",), ("bucket",), ("project", "name"),
    ("group", "name"), ("groupname",), ("group",), ("app", "name"), ("application", "name"),
    ("instance",), ("instance", "name"), ("resource",), ("resource", "name"), ("job", "name"),
    ("task", "name"), ("trigger", "name"), ("scheduler", "name"), ("table", "name"), ("table",), ("enforcer",), ("enricher",), ("transformer",),
    ("evaluator",), ("matcher",), ("profile",), ("list",), ("rack",), ("component", "name"),
    ("category",), ("tag",), ("label",), ("database",), ("function",), ("topology",),
    ("family",), ("metric",), ("rule",), ("definition",), ("preference",), ("field",), ("placeholder",), ("column",),
    ("property",), ("prop", "name"), ("attribute",), ("perm",),
)  # fmt: skip
_DOCUMENTS = (
    ("config",), ("configuration",), ("prop",), ("property",), ("param",), ("parameter",),
    ("setting",), ("option",), ("attribute",), ("other", "attribute"), ("metadata",),
    ("meta",), ("meta", "info"), ("ext", "info"), ("extra",),
    ("context",), ("payload",), ("data",), ("json",), ("header",), ("annotation",), ("value", "map"), ("map",), ("variable",), ("period",), ("location",),
    ("ext", "obj"), ("schedule",), ("history",), ("detail", "json"), ("dependence",), ("path", "variable"), ("server", "list"),
)  # fmt: skip

register(
    Concept("paragraph", "text", "paragraph", _PROSE, _paragraph, min_len=30, valid=TEXT),
    Concept("sentence", "text", "paragraph", _PROSE + _REASONS, _sentence, min_len=10, valid=TEXT),
    Concept("title", "text", "title", (("title",), ("subject",), ("headline",), ("caption",), ("heading",), ("name",), ("display", "name")), _title, min_len=12, valid=matches(r"\S(.*[^\s.])?")),
    Concept("label", "text", "label", (("name",), ("label",), ("identifier",), ("reference",), ("display", "name"), ("tag",)), _label, min_len=6, valid=TEXT),
    Concept("system_name", "text", "label", _SYSTEM_NAMES, _identifier, min_len=8, valid=matches(r"[a-z0-9]+([_-][a-z0-9]+)*")),
    Concept("status", "text", "status", (("status",), ("state",), ("status", "code"), ("lifecycle",), ("stage",), ("phase",)), _listed(STATUS, "status list, skewed"), min_len=4, sampled=True, valid=WORD),
    Concept("category", "text", "category", (("type",), ("kind",), ("category",), ("role",), ("level",), ("priority",), ("tier",), ("plan",), ("severity",), ("class",), ("grade",), ("segment",), ("channel", "type"), ("affiliation",), ("classifier",), ("dependency",), ("delegation",), ("mechanism",)), _listed(CATEGORY, "category list, skewed"), min_len=4, sampled=True, valid=WORD),
    Concept("category_name", "text", "category_name", (("name",), ("title",)), _listed(CATEGORY_NAMES, "category name list, skewed"), min_len=6, tables=r"categor|genre|\btag\b|\bgroup\b|\btype\b|\brole\b|status|section|topic", exact=True, sampled=True, valid=NAME),
    Concept("mode", "text", "category", (("model",), ("policy",), ("mode",), ("strategy",), ("access", "model"), ("publisher", "model"), ("reply", "policy"), ("association", "policy"), ("visibility",), ("scope",), ("method",)), _listed(_MODES, "mode list, skewed"), min_len=4, sampled=True, valid=WORD),
    Concept("permission", "text", "category", (("permission",), ("acl",), ("perms",), ("privilege",), ("access",), ("right",), ("grant",), ("access", "type")), _listed(_PERMISSIONS, "permission list, skewed"), min_len=4, sampled=True, valid=matches(r"[a-z][a-z0-9_.-]*(,[a-z][a-z0-9_.-]*)*")),
    Concept("protocol", "text", "category", (("protocol",), ("scheme",), ("transport",)), _listed(_PROTOCOLS, "protocol list, skewed"), min_len=3, sampled=True, valid=WORD),
    Concept("action", "text", "category", (("action",), ("operation",), ("activity",), ("verb",), ("op",), ("command",), ("action", "name"), ("action", "type")), _listed(_ACTIONS, "action list, skewed"), min_len=6, sampled=True, valid=WORD),
    Concept("environment", "text", "category", (("env",), ("environment",), ("stage",), ("deployment",)), _listed(_ENVIRONMENTS, "environment list, skewed"), min_len=4, sampled=True, weight=1, valid=WORD),
    Concept("repeat", "text", "cron", (("repeat",), ("recurrence",), ("repetition",), ("interval", "expression")), _repeat, min_len=8, valid=matches(r"R\d*/P\w+")),
    Concept("cron", "text", "cron", (("cron",), ("cron", "expression"), ("schedule", "expression"), ("crontab",)), _listed(CRON, "cron list, skewed"), min_len=12, valid=matches(r"\S+( \S+){4,6}")),
    Concept("group_label", "text", "group_label", (("group",), ("grp",), ("job", "group"), ("trigger", "group")), _listed(GROUP_LABELS, "group_label list, skewed"), min_len=7, sampled=True, valid=matches(r"[A-Za-z][A-Za-z0-9_.-]*")),
    Concept("event_name", "text", "event_name", (("event",), ("event", "name"), ("event", "type"), ("action", "name")), _event, min_len=12, valid=matches(r"[a-z_]+(\.[a-z_]+)+")),
    Concept("class_name", "text", "class_name", (("class", "name"), ("class",), ("handler",), ("implementation",), ("job", "class"), ("handler", "class"), ("class", "path"), ("type", "name"), ("script", "file")), _class_name, min_len=20, valid=matches(r"(\w+\.)+[A-Z]\w*")),
    Concept("query", "text", "query", (("filter",), ("query",), ("search",), ("criteria",), ("condition",)), _query, min_len=12, valid=matches(r"\S+:\S+( \S+:\S+)*")),
    Concept("sql", "text", "query", (("sql",), ("execute", "sql"), ("statement",), ("query", "sql"), ("script",)), _sql, min_len=40, weight=1, valid=matches(r"(SELECT|INSERT|UPDATE|DELETE) .+")),
    Concept("packaging", "text", "packaging", (("per", "unit"), ("quantity", "per", "unit"), ("packaging",), ("package",), ("unit",)), _packaging, min_len=14, valid=matches(r"\d+ \w+ x \d+ \w+")),
    Concept("json_text", "text", "json_text", _DOCUMENTS, _json, min_len=48, valid=json_text),
    Concept("setting_value", "text", "label", (("value",), ("val",), ("setting", "value"), ("prop", "value"), ("param", "value"), ("default", "value"), ("parameter", "value"), ("dict", "value"), ("field", "value"), ("data", "value"), ("prop",), ("minimum",), ("maximum",), ("threshold",), ("limit",)), _setting_value, min_len=4, valid=TEXT),
    Concept("xml", "text", "xml", (("stanza",), ("vcard",), ("xml",), ("xslt",), ("document",), ("presence",), ("html",), ("template",)), _xml, min_len=40, valid=xml_text),
    Concept("log", "text", "paragraph", (("log",), ("log", "text"), ("output",), ("stack", "trace"), ("trace",), ("audit",)), _log, min_len=40, valid=matches(r"\[(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\] .+")),
    Concept("actor", "text", "username", _ACTORS, _actor, min_len=6, valid=matches(r"[\w.-]{2,}")),
    Concept("route", "text", "url", (("route",), ("path",), ("uri",), ("endpoint", "path"), ("api", "path"), ("request", "path"), ("page",), ("resource", "path"), ("location",), ("redirect",)), _route, min_len=12, valid=matches(r"/\S*")),
    Concept("pattern", "text", "query", (("pattern",), ("regex",), ("reg", "ex"), ("regexp",), ("validation", "reg", "ex"), ("mask",), ("format",), ("expression",)), _pattern, min_len=12, valid=regex_text),
    Concept("keywords", "text", "label", (("keyword",), ("tags",), ("labels",), ("topics",), ("levels",), ("profiles",)), _keywords, min_len=20, valid=matches(r"[^,]+(,[^,]+)*")),
)  # fmt: skip
