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
    Country("HU", "HUN", "Hungary", "HUF", "hu", "Europe/Budapest"),
    Country("RO", "ROU", "Romania", "RON", "ro", "Europe/Bucharest"),
    Country("UA", "UKR", "Ukraine", "UAH", "uk", "Europe/Kyiv"),
    Country("TR", "TUR", "Türkiye", "TRY", "tr", "Europe/Istanbul"),
    Country("CA", "CAN", "Canada", "CAD", "en", "America/Toronto"),
    Country("MX", "MEX", "Mexico", "MXN", "es", "America/Mexico_City"),
    Country("BR", "BRA", "Brazil", "BRL", "pt", "America/Sao_Paulo"),
    Country("AR", "ARG", "Argentina", "ARS", "es", "America/Argentina/Buenos_Aires"),
    Country("CL", "CHL", "Chile", "CLP", "es", "America/Santiago"),
    Country("CO", "COL", "Colombia", "COP", "es", "America/Bogota"),
    Country("PE", "PER", "Peru", "PEN", "es", "America/Lima"),
    Country("JP", "JPN", "Japan", "JPY", "ja", "Asia/Tokyo"),
    Country("KR", "KOR", "Korea, Republic of", "KRW", "ko", "Asia/Seoul"),
    Country("CN", "CHN", "China", "CNY", "zh", "Asia/Shanghai"),
    Country("IN", "IND", "India", "INR", "hi", "Asia/Kolkata"),
    Country("ID", "IDN", "Indonesia", "IDR", "id", "Asia/Jakarta"),
    Country("TH", "THA", "Thailand", "THB", "th", "Asia/Bangkok"),
    Country("VN", "VNM", "Viet Nam", "VND", "vi", "Asia/Ho_Chi_Minh"),
    Country("PH", "PHL", "Philippines", "PHP", "en", "Asia/Manila"),
    Country("SG", "SGP", "Singapore", "SGD", "en", "Asia/Singapore"),
    Country("IL", "ISR", "Israel", "ILS", "he", "Asia/Jerusalem"),
    Country("AE", "ARE", "United Arab Emirates", "AED", "ar", "Asia/Dubai"),
    Country("SA", "SAU", "Saudi Arabia", "SAR", "ar", "Asia/Riyadh"),
    Country("EG", "EGY", "Egypt", "EGP", "ar", "Africa/Cairo"),
    Country("ZA", "ZAF", "South Africa", "ZAR", "en", "Africa/Johannesburg"),
    Country("NG", "NGA", "Nigeria", "NGN", "en", "Africa/Lagos"),
    Country("KE", "KEN", "Kenya", "KES", "en", "Africa/Nairobi"),
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
}
"""ISO 639-1 code -> the standard's English name, for the languages of COUNTRIES."""


class AddressCountry(NamedTuple):
    alpha2: str
    locale: str
    """The mimesis locale whose address data (streets, cities, states, postal format) it has."""
    box: tuple[float, float, float, float]
    """(south, north, west, east) of a region well inside the country, for coordinates."""
    phone: tuple[str, tuple[str, ...], int]
    """(calling code, national prefixes of real number ranges, digits after the prefix)."""
    weight: float


ADDRESS_COUNTRIES = [
    AddressCountry(
        "US",
        "en",
        (33.0, 45.0, -115.0, -80.0),
        (
            "1",
            ("201", "202", "206", "212", "213", "303", "305", "312", "404", "415", "503"),
            7,
        ),
        0.55,
    ),
    AddressCountry(
        "DE",
        "de",
        (48.5, 53.5, 7.5, 13.5),
        ("49", ("151", "152", "157", "160", "162", "170", "171", "172", "176", "179"), 8),
        0.2,
    ),
    AddressCountry(
        "BR",
        "pt-br",
        (-22.0, -5.0, -55.0, -40.0),
        ("55", ("119", "219", "319", "419", "519", "619", "719", "819"), 8),
        0.15,
    ),
    AddressCountry(
        "AT",
        "de-at",
        (47.2, 48.2, 13.5, 16.3),
        ("43", ("664", "676", "650", "660", "680", "699"), 7),
        0.1,
    ),
]
"""Countries whose mimesis address data (state names, postal formats) match the standards;
an address (street, city, state, postal code, coordinates, phone) lies in one of them."""
