"""A malformed URL's message never quotes the password it may hold."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from fastseed.errors import UsageError
from fastseed.url import parse_url

PASSWORD = "Kx9Tq@Vb3Lm:Wr8Zp/Nf4Hs%Gd2Jc中ö'\"\\Qy6Rt"


@pytest.mark.parametrize(
    "raw",
    [
        "Kx9Tq@Vb3Lm:Wr8Zp/Nf4Hs",  # / after a colon: the rest is read as a port
        "Kx9Tq@Vb3Lm/Nf4Hs",  # / without one: the rest is read as the database name
        "Kx9Tq?Vb3Lm@Nf4Hs",  # ? starts the query
        "Kx9Tq#Vb3Lm@Nf4Hs",  # # starts the fragment
        "Kx9Tq:Vb3Lm]Nf4Hs[",  # brackets read as an IPv6 host
    ],
)
@pytest.mark.parametrize("scheme", ["postgresql", "mysql"])
def test_a_raw_password_that_breaks_the_url_is_not_quoted(scheme: str, raw: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_url(f"{scheme}://user:{raw}@127.0.0.1:5432/db")
    message = str(caught.value)
    assert "percent-encode" in message
    for part in ("Kx9Tq", "Vb3Lm", "Wr8Zp", "Nf4Hs"):
        assert part not in message


@pytest.mark.parametrize("scheme", ["postgresql", "mysql"])
def test_an_encoded_password_is_read_whole_and_never_shown(scheme: str) -> None:
    url = parse_url(f"{scheme}://user:{quote(PASSWORD, safe='')}@127.0.0.1:5432/db")
    assert url.password == PASSWORD and (url.user, url.database) == ("user", "db")
    for shown in (str(url), url.redacted(), repr(url)):
        assert PASSWORD not in shown and quote(PASSWORD, safe="") not in shown
        assert "Kx9Tq" not in shown


def test_a_raw_password_with_at_and_colon_only_still_parses() -> None:
    url = parse_url("postgresql://user:Kx9Tq@Vb3Lm:Wr8Zp@127.0.0.1:5432/db")
    assert url.password == "Kx9Tq@Vb3Lm:Wr8Zp" and url.host == "127.0.0.1"
    assert "Kx9Tq" not in str(url)


def test_mysql_driver_messages_are_scrubbed_of_every_form_of_the_password() -> None:
    from fastseed.dialects.mysql import MySQLAdapter

    adapter = MySQLAdapter(parse_url(f"mysql://u:{quote(PASSWORD, safe='')}@127.0.0.1/db"))
    forms = [PASSWORD, quote(PASSWORD, safe=""), PASSWORD.encode().decode("latin-1")]
    scrubbed = adapter._scrub(" | ".join(forms))
    assert scrubbed == " | ".join(["***"] * 3)
