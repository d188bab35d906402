"""Files and media: names with an extension, the extension alone, the MIME type, paths and
the size.

The columns of one file in a row agree: the name's extension, the extension column, the
MIME type and the size all come from one (extension, type) pair drawn from the file's group
key (a photo weighs kilobytes to megabytes, a video megabytes to gigabytes). The
extensions are mimesis' file categories; their types are the standard library's own table
(`mimetypes` without the machine's /etc/mime.types, so every machine gives the same)."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable

import numpy as np
from mimesis.datasets.int.file import EXTENSIONS

from fastseed.generate import hashing as h
from fastseed.generate import text as utf8
from fastseed.generate.concepts.kit import fitted, listed_utf8, pick, pick_utf8
from fastseed.generate.concepts.registry import Concept, Ctx, Made, register, tokens
from fastseed.generate.concepts.valid import matches, within
from fastseed.schema import Kind

_TYPES = mimetypes.MimeTypes(filenames=())

_SIZES = {
    "image": (10e3, 8e6),
    "video": (5e6, 4e9),
    "audio": (300e3, 30e6),
    "text": (200, 200e3),
    "application/zip": (10e3, 500e6),
    "application": (1e3, 10e6),
}
"""Bytes a file of each MIME type (or top-level type) plausibly weighs: the least, the most."""


def _kinds() -> list[tuple[str, str]]:
    """(extension without the dot, MIME type) for mimesis' extensions the table knows."""
    seen: dict[str, str] = {}
    for category in ("image", "text", "data", "audio", "video", "compressed", "source"):
        for ext in EXTENSIONS.get(category, []):
            mime = _TYPES.guess_type("f" + ext, strict=False)[0]
            if ext.startswith(".") and ext.count(".") == 1 and mime:
                seen.setdefault(ext[1:].lower(), mime)
    return list(seen.items())


FILE_KINDS = _kinds()
_SIZE_RANGES = np.array(
    [_SIZES.get(mime) or _SIZES[mime.split("/")[0]] for _, mime in FILE_KINDS], dtype=np.float64
)
_WEIGHTS = 1.0 / np.arange(1, len(FILE_KINDS) + 1, dtype=np.float64) ** 0.7
_IMAGES = [k for k, (_, m) in enumerate(FILE_KINDS) if m.startswith("image/")]


def file_rows(ctx: Ctx, idx: h.I64) -> h.I64:
    """Each row's position in FILE_KINDS (images only for an image/photo/avatar column)."""
    words = ctx.column.name.lower()
    if any(
        w in words for w in ("image", "photo", "picture", "avatar", "thumbnail", "logo", "icon")
    ):
        images = np.array(_IMAGES, dtype=np.int64)
        return images[h.choose(ctx.group_key, idx, len(images))]
    return h.choose(ctx.group_key, idx, len(FILE_KINDS), _WEIGHTS)


def file_names(ctx: Ctx, idx: h.I64) -> list[str]:
    words = ctx.pools.get("word")
    a = pick(words, ctx.group_key + 1, idx)
    b = pick(words, ctx.group_key + 2, idx)
    n = h.integers(ctx.group_key + 3, idx, 1, 999).tolist()
    ext = [FILE_KINDS[k][0] for k in file_rows(ctx, idx).tolist()]
    stems = [f"{x}_{y}_{k:03d}".lower().replace(" ", "_") for x, y, k in zip(a, b, n, strict=True)]
    room = None if ctx.length is None else ctx.length
    out = []
    for s, e in zip(stems, ext, strict=True):
        if room is not None and len(s) + len(e) + 1 > room:
            s = s[: max(1, room - len(e) - 1)]
        out.append(f"{s}.{e}")
    return out


_EXTENSIONS = utf8.from_strings([ext for ext, _ in FILE_KINDS])
_DOTTED = utf8.from_strings(["." + ext for ext, _ in FILE_KINDS])
_MIMES = utf8.from_strings([mime for _, mime in FILE_KINDS])


def file_names_utf8(ctx: Ctx) -> Callable[[h.I64], utf8.Utf8Array]:
    """`file_names` as one UTF-8 buffer (rows the column's length cuts: from `file_names`)."""

    def whole(idx: h.I64) -> utf8.Utf8Array:
        # the words lowercased with '_' for spaces: the stem's form, word by word
        words = ctx.pools.utf8_form("word", "lower_", lambda w: w.lower().replace(" ", "_"))
        sep = utf8.constant("_", len(idx))
        parts = [
            pick_utf8(words, ctx.group_key + 1, idx),
            sep,
            pick_utf8(words, ctx.group_key + 2, idx),
            sep,
            utf8.integers(h.integers(ctx.group_key + 3, idx, 1, 999), width=3),
            _DOTTED.take(file_rows(ctx, idx)),
        ]
        return utf8.concat(parts)

    return fitted(whole, lambda idx: file_names(ctx, idx), ctx.length)


def file_sizes(ctx: Ctx, idx: h.I64, low: float, high: float) -> h.F64:
    """Each row's file size for its type, log-uniform within the type's range and [low,
    high], in the column's unit (bytes, or kilo/megabytes when its name says so)."""
    words = tokens(ctx.column.name)
    unit = 1024.0**2 if {"mb", "megabyte"} & set(words) else 1.0
    unit = 1024.0 if {"kb", "kilobyte", "kib"} & set(words) else unit
    ranges = _SIZE_RANGES[file_rows(ctx, idx)] / unit
    floor = max(low, 1.0) if high >= 1 else low
    a, b = np.clip(ranges[:, 0], floor, high), np.clip(ranges[:, 1], floor, high)
    u = h.uniform(ctx.key + 5, idx)
    out: h.F64 = np.exp(np.log(a) + u * (np.log(b) - np.log(a))) if floor > 0 else a + u * (b - a)
    return out


def _file_name(ctx: Ctx) -> Made:
    return Made(
        lambda idx: file_names(ctx, idx),
        "file name with the row's extension",
        utf8=file_names_utf8(ctx),
    )


def _extension(ctx: Ctx) -> Made:
    dot = ctx.column.name.lower().endswith("suffix")

    def fn(idx: h.I64) -> list[str]:
        return [("." if dot else "") + FILE_KINDS[k][0] for k in file_rows(ctx, idx).tolist()]

    forms = _DOTTED if dot else _EXTENSIONS
    return Made(
        fn,
        "file extension of the row's file",
        utf8=lambda idx: forms.take(file_rows(ctx, idx)),
    )


def _mime(ctx: Ctx) -> Made:
    return Made(
        lambda idx: [FILE_KINDS[k][1] for k in file_rows(ctx, idx).tolist()],
        "MIME type of the row's file",
        utf8=lambda idx: _MIMES.take(file_rows(ctx, idx)),
    )


_DIRS = ["uploads", "documents", "media", "exports", "attachments", "images", "reports"]


def _path(ctx: Ctx) -> Made:
    def fn(idx: h.I64) -> list[str]:
        top = pick(_DIRS, ctx.key, idx, 1, skew=True)
        year = h.integers(ctx.key + 2, idx, 2019, 2026).tolist()
        names = file_names(ctx, idx)
        return [f"/var/data/{t}/{y}/{n}" for t, y, n in zip(top, year, names, strict=True)]

    names = file_names_utf8(ctx)

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        slash = utf8.constant("/", len(idx))
        parts = [
            utf8.constant("/var/data/", len(idx)),
            listed_utf8(_DIRS, ctx.key, idx, 1, skew=True),
            slash,
            utf8.integers(h.integers(ctx.key + 2, idx, 2019, 2026)),
            slash,
            names(idx),
        ]
        return utf8.concat(parts)

    return Made(fn, "file path", utf8=encoded)


_SIZED = frozenset({Kind.INTEGER, Kind.NUMERIC, Kind.FLOAT})
_SIZE_SPAN = (0.0, 1e11)
_A_FILE = r"\b(file|filename|mime|mimetype|extension|attachment|upload|checksum)\b|content type"
"""Other columns that make a bare `size` or `bytes` a file's."""

register(
    Concept("file_name", "files", "file_name", (("file", "name"), ("filename",), ("file",), ("attachment", "name"), ("original", "name"), ("document", "name"), ("image", "name"), ("file", "title")), _file_name, min_len=12, group="file", valid=matches(r"[^/\\\s]+\.[a-z0-9]{1,5}")),
    Concept("file_name", "files", "file_name", (("name",),), _file_name, min_len=12, group="file", tables=r"\b(file|attachment|upload|document|media|asset|image|photo)\b", exact=True, valid=matches(r"[^/\\\s]+\.[a-z0-9]{1,5}")),
    Concept("extension", "files", "extension", (("extension",), ("file", "extension"), ("file", "ext"), ("ext",), ("suffix",), ("file", "type")), _extension, min_len=3, group="file", needs=r"\b(file|name|mime|content|size|path|attachment|media)\b", valid=matches(r"[a-z0-9]{1,5}")),
    Concept("mime_type", "files", "mime_type", (("mime",), ("mime", "type"), ("content", "type"), ("media", "type"), ("mimetype",), ("consume",), ("produce",), ("accept",)), _mime, min_len=10, group="file", valid=matches(r"[a-z]+/[\w.+-]+")),
    Concept("file_size", "files", "file_size", (("file", "size"), ("filesize",), ("size", "byte"), ("size", "in", "byte"), ("byte", "size"), ("file", "size", "byte"), ("size", "kb"), ("size", "mb"), ("content", "length"), ("file", "length")), None, group="file", kinds=_SIZED, span=_SIZE_SPAN, weight=1, valid=within(*_SIZE_SPAN), placed=file_sizes),
    Concept("file_size", "files", "file_size", (("size",), ("byte",)), None, group="file", kinds=_SIZED, span=_SIZE_SPAN, weight=1, needs=_A_FILE, valid=within(*_SIZE_SPAN), placed=file_sizes),
    Concept("file_path", "files", "file_path", (("path",), ("file", "path"), ("icon",), ("logo",), ("thumbnail",), ("avatar",), ("storage", "path"), ("storage", "key"), ("local", "path"), ("upload", "path"), ("object", "key")), _path, min_len=20, group="file", valid=matches(r"(/[^/\s]+)+")),
)  # fmt: skip
