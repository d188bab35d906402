"""Facts about countries that hold together: ISO 3166 codes, the English short name, ISO 4217
currency, main ISO 639-1 language and IANA time zone, so that a row naming a country names
its currency and language too. mimesis has each list alone (ISO codes, currencies, zones) but
no mapping between them; these are the standards' own values for the countries listed."""

from __future__ import annotations

from typing import NamedTuple


class Country(NamedTuple):
    alpha2: str
    alpha3: str
    name: str
    currency: str
    language: str
    timezone: str
    minor: int = 2
    """Digits after the decimal point of the currency's amounts in use (CLDR currencyData:
    ISO 4217's minor unit, or none where the currency is used without: HUF, COP, IDR)."""


COUNTRIES = [
    Country("US", "USA", "United States", "USD", "en", "America/New_York"),
    Country("GB", "GBR", "United Kingdom", "GBP", "en", "Europe/London"),
    Country("DE", "DEU", "Germany", "EUR", "de", "Europe/Berlin"),
    Country("FR", "FRA", "France", "EUR", "fr", "Europe/Paris"),
    Country("ES", "ESP", "Spain", "EUR", "es", "Europe/Madrid"),
    Country("IT", "ITA", "Italy", "EUR", "it", "Europe/Rome"),
    Country("NL", "NLD", "Netherlands", "EUR", "nl", "Europe/Amsterdam"),
    Country("BE", "BEL", "Belgium", "EUR", "nl", "Europe/Brussels"),
    Country("AT", "AUT", "Austria", "EUR", "de", "Europe/Vienna"),
    Country("CH", "CHE", "Switzerland", "CHF", "de", "Europe/Zurich"),
    Country("PT", "PRT", "Portugal", "EUR", "pt", "Europe/Lisbon"),
    Country("IE", "IRL", "Ireland", "EUR", "en", "Europe/Dublin"),
    Country("SE", "SWE", "Sweden", "SEK", "sv", "Europe/Stockholm"),
    Country("NO", "NOR", "Norway", "NOK", "no", "Europe/Oslo"),
    Country("DK", "DNK", "Denmark", "DKK", "da", "Europe/Copenhagen"),
    Country("FI", "FIN", "Finland", "EUR", "fi", "Europe/Helsinki"),
    Country("PL", "POL", "Poland", "PLN", "pl", "Europe/Warsaw"),
    Country("CZ", "CZE", "Czechia", "CZK", "cs", "Europe/Prague"),
    Country("HU", "HUN", "Hungary", "HUF", "hu", "Europe/Budapest", 0),
    Country("RO", "ROU", "Romania", "RON", "ro", "Europe/Bucharest"),
    Country("UA", "UKR", "Ukraine", "UAH", "uk", "Europe/Kyiv"),
    Country("TR", "TUR", "Türkiye", "TRY", "tr", "Europe/Istanbul"),
    Country("CA", "CAN", "Canada", "CAD", "en", "America/Toronto"),
    Country("MX", "MEX", "Mexico", "MXN", "es", "America/Mexico_City"),
    Country("BR", "BRA", "Brazil", "BRL", "pt", "America/Sao_Paulo"),
    Country("AR", "ARG", "Argentina", "ARS", "es", "America/Argentina/Buenos_Aires"),
    Country("CL", "CHL", "Chile", "CLP", "es", "America/Santiago", 0),
    Country("CO", "COL", "Colombia", "COP", "es", "America/Bogota", 0),
    Country("PE", "PER", "Peru", "PEN", "es", "America/Lima"),
    Country("JP", "JPN", "Japan", "JPY", "ja", "Asia/Tokyo", 0),
    Country("KR", "KOR", "Korea, Republic of", "KRW", "ko", "Asia/Seoul", 0),
    Country("CN", "CHN", "China", "CNY", "zh", "Asia/Shanghai"),
    Country("IN", "IND", "India", "INR", "hi", "Asia/Kolkata"),
    Country("ID", "IDN", "Indonesia", "IDR", "id", "Asia/Jakarta", 0),
    Country("TH", "THA", "Thailand", "THB", "th", "Asia/Bangkok"),
    Country("VN", "VNM", "Viet Nam", "VND", "vi", "Asia/Ho_Chi_Minh", 0),
    Country("PH", "PHL", "Philippines", "PHP", "en", "Asia/Manila"),
    Country("SG", "SGP", "Singapore", "SGD", "en", "Asia/Singapore"),
    Country("IL", "ISR", "Israel", "ILS", "he", "Asia/Jerusalem"),
    Country("AE", "ARE", "United Arab Emirates", "AED", "ar", "Asia/Dubai"),
    Country("SA", "SAU", "Saudi Arabia", "SAR", "ar", "Asia/Riyadh"),
    Country("EG", "EGY", "Egypt", "EGP", "ar", "Africa/Cairo"),
    Country("ZA", "ZAF", "South Africa", "ZAR", "en", "Africa/Johannesburg"),
    Country("NG", "NGA", "Nigeria", "NGN", "en", "Africa/Lagos"),
    Country("KE", "KEN", "Kenya", "KES", "en", "Africa/Nairobi"),
    Country("IS", "ISL", "Iceland", "ISK", "is", "Atlantic/Reykjavik", 0),
    Country("SK", "SVK", "Slovakia", "EUR", "sk", "Europe/Bratislava"),
    Country("EE", "EST", "Estonia", "EUR", "et", "Europe/Tallinn"),
    Country("HR", "HRV", "Croatia", "EUR", "hr", "Europe/Zagreb"),
    Country("GR", "GRC", "Greece", "EUR", "el", "Europe/Athens"),
    Country("RU", "RUS", "Russian Federation", "RUB", "ru", "Europe/Moscow"),
    Country("KZ", "KAZ", "Kazakhstan", "KZT", "kk", "Asia/Almaty"),
    Country("AZ", "AZE", "Azerbaijan", "AZN", "az", "Asia/Baku"),
    Country("AU", "AUS", "Australia", "AUD", "en", "Australia/Sydney"),
    Country("NZ", "NZL", "New Zealand", "NZD", "en", "Pacific/Auckland"),
]

LANGUAGES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "nl": "Dutch",
    "pt": "Portuguese",
    "sv": "Swedish",
    "no": "Norwegian",
    "da": "Danish",
    "fi": "Finnish",
    "pl": "Polish",
    "cs": "Czech",
    "hu": "Hungarian",
    "ro": "Romanian",
    "uk": "Ukrainian",
    "tr": "Turkish",
    "ja": "Japanese",
    "ko": "Korean",
    "zh": "Chinese",
    "hi": "Hindi",
    "id": "Indonesian",
    "th": "Thai",
    "vi": "Vietnamese",
    "he": "Hebrew",
    "ar": "Arabic",
    "is": "Icelandic",
    "sk": "Slovak",
    "et": "Estonian",
    "hr": "Croatian",
    "el": "Modern Greek (1453-)",
    "ru": "Russian",
    "kk": "Kazakh",
    "az": "Azerbaijani",
}
"""ISO 639-1 code -> the standard's English name, for the languages of COUNTRIES."""


class AddressCountry(NamedTuple):
    alpha2: str
    locale: str
    """The mimesis locale whose address data describe this country."""
    parts: frozenset[str]
    """The parts of that data that match the country (its cities, its ISO 3166-2 state names
    or codes, its postal code format, its street addresses), as checked against pycountry
    and the postal formats in tests/test_concepts_geo.py; a row needing another part is
    drawn in another country."""
    box: tuple[float, float, float, float]
    """(south, north, west, east) of a region well inside the country, for coordinates."""
    phone: tuple[str, tuple[str, ...], int]
    """(calling code, national prefixes of mobile number ranges, digits after the prefix),
    from the country's national numbering plan (ITU-T E.164 assignments)."""


_ALL = frozenset({"street", "city", "state", "state_code", "postal_code"})
_NO_STATE = _ALL - {"state", "state_code"}


def _parts(*dropped: str) -> frozenset[str]:
    return _ALL - set(dropped)


ADDRESS_COUNTRIES = [
    AddressCountry("US", "en", _ALL, (33.0, 45.0, -115.0, -80.0), ("1", ("201", "202", "206", "212", "213", "303", "305", "312", "404", "415", "503"), 7)),
    AddressCountry("DE", "de", _ALL, (48.5, 53.5, 7.5, 13.5), ("49", ("151", "152", "157", "160", "162", "170", "171", "172", "176", "179"), 8)),
    AddressCountry("BR", "pt-br", _ALL, (-22.0, -5.0, -55.0, -40.0), ("55", ("119", "219", "319", "419", "519", "619", "719", "819"), 8)),
    AddressCountry("AT", "de-at", _ALL, (47.2, 48.2, 13.5, 16.3), ("43", ("664", "676", "650", "660", "680", "699"), 7)),
    AddressCountry("CH", "de-ch", _parts("state"), (46.3, 47.5, 6.8, 9.5), ("41", ("75", "76", "77", "78", "79"), 7)),
    AddressCountry("FI", "fi", _ALL, (60.5, 64.0, 23.0, 29.0), ("358", ("40", "41", "44", "45", "50"), 7)),
    AddressCountry("FR", "fr", _parts("state_code"), (44.0, 49.0, -0.5, 5.5), ("33", ("60", "61", "62", "64", "65", "66", "67", "68", "73", "74", "75", "76", "77", "78", "79"), 7)),
    AddressCountry("NL", "nl", _ALL, (51.6, 53.0, 4.8, 6.8), ("31", ("61", "62", "63", "64", "65"), 7)),
    AddressCountry("BE", "nl-be", _ALL, (50.3, 51.1, 3.5, 5.8), ("32", ("470", "475", "477", "485", "495", "496"), 6)),
    AddressCountry("DK", "da", _parts("postal_code", "state_code"), (55.3, 56.9, 8.5, 10.2), ("45", ("20", "21", "22", "30", "31", "40", "42", "50", "51", "60", "61"), 6)),
    AddressCountry("IS", "is", _ALL, (63.9, 65.8, -22.0, -14.5), ("354", ("69", "77", "78", "83", "84", "85", "86", "89"), 5)),
    AddressCountry("JP", "ja", _parts("state"), (34.0, 36.5, 133.0, 140.0), ("81", ("70", "80", "90"), 8)),
    AddressCountry("PL", "pl", _NO_STATE, (50.5, 53.8, 15.5, 23.0), ("48", ("50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"), 7)),
    AddressCountry("CZ", "cs", _NO_STATE, (49.0, 50.5, 13.0, 18.0), ("420", ("601", "602", "603", "605", "606", "607", "608", "720", "721", "731", "736", "737", "739", "774", "775", "776", "777"), 6)),
    AddressCountry("SK", "sk", _parts("state"), (48.3, 49.3, 17.5, 21.8), ("421", ("901", "902", "903", "904", "905", "910", "911", "914", "915", "940", "944", "948", "949", "950", "951"), 6)),
    AddressCountry("SE", "sv", _NO_STATE, (56.5, 63.0, 13.0, 17.5), ("46", ("70", "72", "73", "76", "79"), 7)),
    AddressCountry("ES", "es", _parts("state"), (37.5, 42.5, -6.5, -1.0), ("34", ("6",), 8)),
    AddressCountry("IT", "it", _NO_STATE, (41.0, 45.5, 9.0, 15.0), ("39", ("320", "328", "329", "330", "333", "334", "335", "338", "339", "340", "345", "346", "347", "348", "349", "360", "366", "368", "380", "388", "389", "391", "392", "393"), 7)),
    AddressCountry("HU", "hu", _parts("state"), (46.3, 47.9, 17.0, 21.5), ("36", ("20", "30", "31", "50", "70"), 7)),
    AddressCountry("TR", "tr", _parts("state"), (37.5, 40.5, 29.0, 40.0), ("90", ("501", "505", "506", "507", "530", "531", "532", "533", "534", "535", "536", "537", "538", "539", "541", "542", "543", "544", "545", "546", "549", "551", "552", "553", "554", "555", "559"), 7)),
    AddressCountry("RU", "ru", _NO_STATE, (52.0, 60.0, 35.0, 60.0), ("7", ("900", "901", "902", "903", "904", "905", "906", "908", "909", "910", "911", "912", "913", "914", "915", "916", "917", "918", "919", "920", "921", "922", "923", "924", "925", "926", "927", "928", "929", "930", "950", "951", "952", "953", "960", "961", "962", "963", "964", "965", "966", "967", "968", "977", "978", "980", "981", "982", "983", "984", "985", "987", "988", "989", "991", "992", "993", "994", "995", "996", "997", "999"), 7)),
    AddressCountry("UA", "uk", _parts("postal_code", "state"), (47.0, 51.0, 25.0, 37.0), ("380", ("50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"), 7)),
    AddressCountry("KZ", "kk", _NO_STATE, (43.0, 52.0, 55.0, 80.0), ("7", ("700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778"), 7)),
    AddressCountry("CN", "zh", frozenset({"postal_code"}), (25.0, 40.0, 100.0, 118.0), ("86", ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157", "158", "159", "186", "187", "188", "189"), 8)),
    AddressCountry("KR", "ko", _NO_STATE, (35.0, 37.7, 126.8, 129.2), ("82", ("102", "103", "104", "106", "107", "108", "109"), 7)),
    AddressCountry("GB", "en-gb", _NO_STATE, (51.0, 55.0, -3.0, 0.0), ("44", ("740", "741", "742", "743", "744", "770", "771", "772", "773", "774", "775", "776", "777", "778", "790", "791", "792", "794", "795", "796", "797", "798", "799"), 7)),
    AddressCountry("EE", "et", _NO_STATE, (58.0, 59.4, 22.5, 27.5), ("372", ("5",), 7)),
    AddressCountry("HR", "hr", _NO_STATE, (45.0, 46.0, 15.0, 18.5), ("385", ("91", "92", "95", "98", "99"), 7)),
    AddressCountry("GR", "el", _parts("state"), (37.0, 41.0, 21.0, 24.0), ("30", ("69",), 8)),
    AddressCountry("MX", "es-mx", _parts("city", "state"), (18.0, 26.0, -106.0, -98.0), ("52", ("55", "33", "81"), 8)),
    AddressCountry("PT", "pt", _parts("postal_code", "state"), (38.0, 41.8, -8.8, -7.0), ("351", ("91", "92", "93", "96"), 7)),
    AddressCountry("NO", "no", _NO_STATE, (59.0, 63.0, 6.0, 11.0), ("47", ("9",), 7)),
    AddressCountry("CA", "en-ca", _parts("city", "state"), (43.0, 54.0, -120.0, -70.0), ("1", ("416", "514", "604", "613", "647", "780", "403", "905"), 7)),
    AddressCountry("AU", "en-au", _parts("city"), (-35.0, -20.0, 120.0, 150.0), ("61", ("40", "41", "42", "43", "46"), 7)),
    AddressCountry("AZ", "az", _NO_STATE - {"postal_code"}, (39.0, 41.5, 46.0, 49.5), ("994", ("50", "51", "55", "70", "77"), 7)),
]  # fmt: skip
"""Countries of mimesis locales with address data; an address (street, city, state, postal
code, coordinates, phone) lies in one of them, drawn among those whose `parts` hold every
part the row has."""
