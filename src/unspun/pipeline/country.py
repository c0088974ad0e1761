"""Countries by the names and nationality adjectives news writes them with.

A small data table (no installed library lists demonyms: pycountry has names and codes only) of
the countries most often in English news: each canonical name with the other names it goes by
("UK", "Britain", "Great Britain" for the United Kingdom) and its nationality adjectives
("British"). The entity component reads it to make "UK" and "Britain" one entity, and to join
a nationality adjective used for the state or its forces ("British troops") to the country
(:mod:`unspun.pipeline.entities`, :func:`state_use`). A country not listed is simply not
joined.
"""

from __future__ import annotations

from typing import Any

# canonical name: (other names, nationality adjectives)
COUNTRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "United Kingdom": (("UK", "U.K.", "Britain", "Great Britain"), ("British",)),
    "United States": (("US", "U.S.", "USA", "U.S.A.", "America", "United States of America"), ("American",)),
    "Afghanistan": ((), ("Afghan",)),
    "Algeria": ((), ("Algerian",)),
    "Argentina": ((), ("Argentine", "Argentinian")),
    "Armenia": ((), ("Armenian",)),
    "Australia": ((), ("Australian",)),
    "Austria": ((), ("Austrian",)),
    "Azerbaijan": ((), ("Azerbaijani",)),
    "Bangladesh": ((), ("Bangladeshi",)),
    "Belarus": ((), ("Belarusian",)),
    "Belgium": ((), ("Belgian",)),
    "Brazil": ((), ("Brazilian",)),
    "Bulgaria": ((), ("Bulgarian",)),
    "Canada": ((), ("Canadian",)),
    "Chile": ((), ("Chilean",)),
    "China": (("PRC",), ("Chinese",)),
    "Colombia": ((), ("Colombian",)),
    "Croatia": ((), ("Croatian",)),
    "Cuba": ((), ("Cuban",)),
    "Czech Republic": (("Czechia",), ("Czech",)),
    "Denmark": ((), ("Danish",)),
    "Egypt": ((), ("Egyptian",)),
    "Estonia": ((), ("Estonian",)),
    "Ethiopia": ((), ("Ethiopian",)),
    "Finland": ((), ("Finnish",)),
    "France": ((), ("French",)),
    "Germany": ((), ("German",)),
    "Ghana": ((), ("Ghanaian",)),
    "Greece": ((), ("Greek",)),
    "Hungary": ((), ("Hungarian",)),
    "India": ((), ("Indian",)),
    "Indonesia": ((), ("Indonesian",)),
    "Iran": ((), ("Iranian",)),
    "Iraq": ((), ("Iraqi",)),
    "Ireland": ((), ("Irish",)),
    "Israel": ((), ("Israeli",)),
    "Italy": ((), ("Italian",)),
    "Japan": ((), ("Japanese",)),
    "Jordan": ((), ("Jordanian",)),
    "Kazakhstan": ((), ("Kazakh",)),
    "Kenya": ((), ("Kenyan",)),
    "Latvia": ((), ("Latvian",)),
    "Lebanon": ((), ("Lebanese",)),
    "Libya": ((), ("Libyan",)),
    "Lithuania": ((), ("Lithuanian",)),
    "Malaysia": ((), ("Malaysian",)),
    "Mexico": ((), ("Mexican",)),
    "Moldova": ((), ("Moldovan",)),
    "Morocco": ((), ("Moroccan",)),
    "Netherlands": (("Holland",), ("Dutch",)),
    "Nigeria": ((), ("Nigerian",)),
    "North Korea": (("DPRK",), ("North Korean",)),
    "Norway": ((), ("Norwegian",)),
    "Pakistan": ((), ("Pakistani",)),
    "Peru": ((), ("Peruvian",)),
    "Philippines": ((), ("Philippine", "Filipino")),
    "Poland": ((), ("Polish",)),
    "Portugal": ((), ("Portuguese",)),
    "Qatar": ((), ("Qatari",)),
    "Romania": ((), ("Romanian",)),
    "Russia": (("Russian Federation",), ("Russian",)),
    "Saudi Arabia": ((), ("Saudi",)),
    "Serbia": ((), ("Serbian",)),
    "Slovakia": ((), ("Slovak",)),
    "Somalia": ((), ("Somali",)),
    "South Africa": ((), ("South African",)),
    "South Korea": ((), ("South Korean",)),
    "Spain": ((), ("Spanish",)),
    "Sudan": ((), ("Sudanese",)),
    "Sweden": ((), ("Swedish",)),
    "Switzerland": ((), ("Swiss",)),
    "Syria": ((), ("Syrian",)),
    "Taiwan": ((), ("Taiwanese",)),
    "Thailand": ((), ("Thai",)),
    "Tunisia": ((), ("Tunisian",)),
    "Turkey": (("Türkiye",), ("Turkish",)),
    "Ukraine": ((), ("Ukrainian",)),
    "Venezuela": ((), ("Venezuelan",)),
    "Vietnam": ((), ("Vietnamese",)),
    "Yemen": ((), ("Yemeni",)),
}

# What a nationality adjective qualifies when it stands for the state, its forces or officials
# (the noun it modifies, or another modifier of that noun: "British diplomatic efforts").
STATE_WORDS = frozenset(
    [
        "government",
        "administration",
        "authorities",
        "authority",
        "official",
        "officials",
        "diplomat",
        "diplomats",
        "diplomatic",
        "diplomacy",
        "embassy",
        "envoy",
        "ambassador",
        "minister",
        "ministers",
        "ministry",
        "president",
        "premier",
        "chancellor",
        "secretary",
        "parliament",
        "state",
        "regime",
        "troops",
        "forces",
        "army",
        "military",
        "navy",
        "naval",
        "soldiers",
        "intelligence",
        "warships",
        "warplanes",
        "jets",
        "occupation",
        "invasion",
        "delegation",
        "negotiators",
        "policy",
    ]
)
_BY_NAME: dict[str, str] = {
    name.lower(): country for country, (names, _) in COUNTRIES.items() for name in (country, *names)
}
_BY_ADJECTIVE: dict[str, str] = {
    adjective.lower(): country for country, (_, adjectives) in COUNTRIES.items() for adjective in adjectives
}


def country_named(name: str) -> str | None:
    """The canonical name of the country ``name`` names ("UK", "the U.S." without its article:
    "U.S."), or ``None``; case-insensitive."""
    return _BY_NAME.get(" ".join(name.split()).lower())


def country_of_adjective(adjective: str) -> str | None:
    """The canonical name of the country whose nationality adjective ``adjective`` is ("British"
    -> "United Kingdom"), or ``None``; case-insensitive."""
    return _BY_ADJECTIVE.get(" ".join(adjective.split()).lower())


def state_use(ent: Any) -> bool:
    """Whether a spaCy entity span (a nationality adjective) qualifies the state, its forces or
    officials: through any ``conj`` ("Iraqi and Afghan troops"), it modifies a noun that is one
    of :data:`STATE_WORDS`, or that another such word modifies ("British diplomatic efforts")."""
    token = ent.root
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    if token.dep_ not in ("amod", "compound", "nmod"):
        return False
    head = token.head
    words = [head] + [c for c in head.children if c.dep_ in ("amod", "compound") and c.i != token.i]
    return any(w.lower_ in STATE_WORDS or w.lemma_.lower() in STATE_WORDS for w in words)
