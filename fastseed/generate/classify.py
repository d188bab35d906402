"""Guess what a column holds from its name, its type and its table's name.

The result is a semantic tag ('email', 'first_name', 'price', ...) that `values.py` turns into
a generator; None means "nothing recognised: a plain value of the type".
"""

from __future__ import annotations

import re

from fastseed.schema import Column, Kind, Table

_PERSON_TABLES = re.compile(
    r"(user|customer|employee|staff|person|people|actor|author|member|contact|client|"
    r"student|teacher|patient|driver|artist|account|profile|manager|owner|guest|player)",
)
_COMPANY_TABLES = re.compile(r"(compan|supplier|vendor|shipper|organi[sz]ation|publisher|brand)")
_PRODUCT_TABLES = re.compile(r"(product|item|article|film|movie|book|track|album|course|service)")

# (pattern on the column name, tag); the first match wins, so specific names come first.
_TEXT_NAMES: list[tuple[str, str]] = [
    (r"e_?mail", "email"),
    (
        r"composer|author|artist|writer|editor|creator|ship_?name|recipient|contact_?person",
        "full_name",
    ),
    (r"courtesy|salutation|honorific|^prefix$", "honorific"),
    (r"state_?name|province_?name", "state"),
    (r"(first|given|fore)_?name|^fname$", "first_name"),
    (r"(last|family|sur)_?name|^lname$|^surname$", "last_name"),
    (r"middle_?name", "first_name"),
    (r"(full|display|contact|person)_?name", "full_name"),
    (r"user_?name|^login$|^handle$|nick_?name", "username"),
    (r"phone|mobile|^fax$|telephone|^tel$|cell", "phone"),
    (r"address_?2|address_?line_?2", "address_line2"),
    (r"address|street_?addr|address_?line|^addr", "street_address"),
    (r"street", "street"),
    (r"^city$|_city$|^town$|city_?name", "city"),
    (r"country_?(code|iso)|^iso_?country", "country_code"),
    (r"country", "country"),
    (r"^state$|province|^region$|district|county", "state"),
    (r"postal|zip|post_?code", "postal_code"),
    (r"compan|organi[sz]ation|employer|^org_?name$", "company"),
    (r"job_?title|occupation|position|designation|contact_?title", "job_title"),
    (r"department|^dept_?name$", "department"),
    (r"url|website|homepage|home_?page|link|href", "url"),
    (r"host_?name|^host$|domain", "hostname"),
    (r"user_?agent", "user_agent"),
    (r"mac_?addr", "mac"),
    (r"ip_?addr|^ip$|_ip$|ip_?v?[46]", "ip"),
    (r"uuid|guid", "uuid"),
    (r"slug", "slug"),
    (r"sku|barcode|ean|isbn|upc", "sku"),
    (r"currency", "currency"),
    (r"colou?r", "color"),
    (r"mime|content_?type", "mime_type"),
    (r"file_?name|filename|^path$|file_?path", "file_name"),
    (r"lang|locale", "language"),
    (r"time_?zone|^tz$", "timezone"),
    (r"version", "version"),
    (r"password|passwd|pwd|hash|digest|salt", "password_hash"),
    (r"token|api_?key|secret", "token"),
    (r"gender|^sex$", "gender"),
    (r"status|state$", "status"),
    (r"^type$|_type$|^kind$|category|^role$|_role$|^level$|priority", "category"),
    (
        r"description|^desc$|body|comment|notes?$|summary|content|message|bio|about|"
        r"text$|remark|details",
        "paragraph",
    ),
    (r"^title$|subject|headline|caption", "title"),
    (r"nationality", "nationality"),
    (r"university|school|college", "university"),
    (r"code$|^code", "code"),
    (r"extension|^ext$", "extension"),
    (r"_path$|^path$|avatar|image|photo|picture|thumbnail", "file_path"),
    (r"region$", "state"),
    (r"per_?unit|packag", "packaging"),
    (r"desc$", "paragraph"),
    (r"cron", "cron"),
    (r"class_?name|^class$|handler", "class_name"),
    (r"event_?name|^event$|action_?name", "event_name"),
    (r"uri$|_uri|uri_", "url"),
    (r"_id$|^id$|_key$|^key$", "external_id"),
    (r"(^|_)(day|date|time)$|_at$|_on$", "date_text"),
    (r"data$|payload|json|metadata|params$", "json_text"),
    (r"group$|grp$", "group_label"),
    (r"product|item_?name|^goods?$|^article", "product"),
    (r"_name$|label|identifier|reference|plugin|option|instance|^tag$", "label"),
    (r"filter|query|search", "query"),
]
_TEXT_RES = [(re.compile(p), tag) for p, tag in _TEXT_NAMES]

_NUMBER_NAMES: list[tuple[str, str]] = [
    (
        r"price|amount|cost|total|balance|salary|fee|freight|charge|revenue|budget|wage|"
        r"payment|subtotal|tax|income|value",
        "money",
    ),
    (r"quantity|^qty|_qty$|count$|stock|units|^num_|_num$|inventory", "quantity"),
    (r"percent|pct|rate$|ratio|discount", "percent"),
    (r"rating|score|stars|rank", "rating"),
    (r"^age$|_age$", "age"),
    (r"lat(itude)?$", "latitude"),
    (r"lon(gitude)?$|lng$", "longitude"),
    (r"year", "year"),
    (r"duration|length|minutes|seconds", "duration"),
    (r"weight|height|width|size", "measure"),
]
_NUMBER_RES = [(re.compile(p), tag) for p, tag in _NUMBER_NAMES]

_BOOL_RE = re.compile(
    r"^(is|has|can|should|was|allow|enable|use|show)_|active|enabled|"
    r"verified|deleted|visible|public|flag|confirmed|published|archived"
)

_TIME_NAMES: list[tuple[str, str]] = [
    (
        r"^created|_created$|create_?(date|time)|^inserted|registered|signup|sign_up|joined|"
        r"^added|date_?added",
        "created",
    ),
    (r"^updated|modified|changed|last_?update|last_?modified|^edited", "updated"),
    (r"deleted|removed|archived_?at", "deleted"),
    (r"birth|^dob$|born", "birth"),
    (r"ship", "shipped"),
    (r"deliver", "delivered"),
    (r"order(ed)?_?(date|at|time)", "ordered"),
    (r"^(end|ends|to|until|expires?|expiry|finish|close|due|return)", "end"),
    (r"^(start|starts|from|begin|open|hire|issue|valid_from|rental)", "start"),
]
_TIME_RES = [(re.compile(p), tag) for p, tag in _TIME_NAMES]


def _words(identifier: str) -> str:
    """'BillingCity', 'e-mail', 'First Name' -> 'billing_city', 'e_mail', 'first_name'."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", identifier)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def classify(table: Table, column: Column) -> str | None:
    """A semantic tag for the column, or None."""
    # 'e-mail', 'First Name' and 'first_name' are the same column to a reader
    name, tname = _words(column.name), _words(table.name.name)
    kind = column.type.kind
    if kind == Kind.BOOLEAN:
        return "flag"
    if kind in {Kind.TIMESTAMP, Kind.DATE}:
        for rx, tag in _TIME_RES:
            if rx.search(name):
                return tag
        return None
    if kind in {Kind.INTEGER, Kind.NUMERIC, Kind.FLOAT, Kind.MONEY}:
        if kind == Kind.INTEGER and _BOOL_RE.search(name):
            return "flag"
        for rx, tag in _NUMBER_RES:
            if rx.search(name):
                return tag
        return "money" if kind == Kind.MONEY else None
    if kind != Kind.TEXT:
        return None
    if name in {"name", "title"} or name == f"{tname.rstrip('s')}_name":
        if _PERSON_TABLES.search(tname):
            return "full_name"
        if _COMPANY_TABLES.search(tname):
            return "company"
        if re.search(r"(countr)", tname):
            return "country"
        if re.search(r"(cit(y|ies))", tname):
            return "city"
        if re.search(r"(language)", tname):
            return "language"
        if re.search(r"(categor|genre|tag|group|type|role|status)", tname):
            return "category_name"
        if re.search(r"(department)", tname):
            return "department"
        if _PRODUCT_TABLES.search(tname) or name == "title":
            return "title"
        return "title"
    for rx, tag in _TEXT_RES:
        if rx.search(name):
            return tag
    return None
