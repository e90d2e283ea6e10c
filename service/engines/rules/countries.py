"""A compact table of states: name, demonyms, capitals and other names.

Why: news text names a state by its name ("Russia"), its adjective ("Russian") or its capital
used as metonym ("Moscow"); merging them needs a table. It covers the states that most often
make the news, plus plain names of the rest; an unknown state still becomes an actor from NER.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# name | demonyms | capitals (metonyms) | other names
_TABLE = """
Afghanistan|Afghan|Kabul|
Albania|Albanian|Tirana|
Algeria|Algerian|Algiers|
Angola|Angolan|Luanda|
Antigua and Barbuda|Antiguan|St. John's|
Argentina|Argentine,Argentinian|Buenos Aires|
Armenia|Armenian|Yerevan|
Australia|Australian|Canberra|
Austria|Austrian|Vienna|
Azerbaijan|Azerbaijani|Baku|
Bangladesh|Bangladeshi|Dhaka|
Belarus|Belarusian|Minsk|
Belgium|Belgian|Brussels|
Bosnia|Bosnian|Sarajevo|Bosnia and Herzegovina
Brazil|Brazilian|Brasilia,Brasília|
Britain|British|London|United Kingdom,UK,U.K.,Great Britain
Bulgaria|Bulgarian|Sofia|
Burundi|Burundian|Bujumbura|
Canada|Canadian|Ottawa|
Chad|Chadian|N'Djamena|
Chile|Chilean|Santiago|
China|Chinese|Beijing|PRC,People's Republic of China
Colombia|Colombian|Bogota,Bogotá|
Croatia|Croatian|Zagreb|
Cuba|Cuban|Havana|
Cyprus|Cypriot|Nicosia|
Czech Republic|Czech|Prague|Czechia
Denmark|Danish|Copenhagen|
Egypt|Egyptian|Cairo|
Eritrea|Eritrean|Asmara|
Ethiopia|Ethiopian|Addis Ababa|
Finland|Finnish|Helsinki|
France|French|Paris|
Georgia|Georgian|Tbilisi|
Germany|German|Berlin|
Ghana|Ghanaian|Accra|
Greece|Greek|Athens|
Hungary|Hungarian|Budapest|
India|Indian|New Delhi|
Indonesia|Indonesian|Jakarta|
Iran|Iranian|Tehran|
Iraq|Iraqi|Baghdad|
Ireland|Irish|Dublin|
Israel|Israeli|Jerusalem|
Italy|Italian|Rome|
Ivory Coast|Ivorian|Abidjan,Yamoussoukro|Côte d'Ivoire
Japan|Japanese|Tokyo|
Jordan|Jordanian|Amman|
Kazakhstan|Kazakh|Astana|
Kenya|Kenyan|Nairobi|
Kosovo|Kosovar|Pristina|
Kuwait|Kuwaiti|Kuwait City|
Kyrgyzstan|Kyrgyz|Bishkek|
Lebanon|Lebanese|Beirut|
Liberia|Liberian|Monrovia|
Libya|Libyan|Tripoli|
Malaysia|Malaysian|Kuala Lumpur|
Mali|Malian|Bamako|
Mexico|Mexican|Mexico City|
Morocco|Moroccan|Rabat|
Mozambique|Mozambican|Maputo|
Myanmar|Burmese|Naypyidaw|Burma
Netherlands|Dutch|Amsterdam,The Hague|Holland
New Zealand|New Zealander|Wellington|NZ
Nigeria|Nigerian|Abuja|
North Korea|North Korean|Pyongyang|DPRK
Norway|Norwegian|Oslo|
Pakistan|Pakistani|Islamabad|
Palestine|Palestinian|Ramallah|Palestinians,Palestinian Authority
Peru|Peruvian|Lima|
Philippines|Filipino,Philippine|Manila|
Poland|Polish|Warsaw|
Portugal|Portuguese|Lisbon|
Qatar|Qatari|Doha|
Romania|Romanian|Bucharest|
Russia|Russian|Moscow|Russian Federation
Rwanda|Rwandan|Kigali|
Saint Kitts and Nevis|Kittitian|Basseterre|St Kitts and Nevis,St. Kitts and Nevis
Saint Vincent and the Grenadines|Vincentian|Kingstown|St Vincent and the Grenadines,St. Vincent and the Grenadines
São Tomé and Príncipe|Santomean||Sao Tome and Principe
Saudi Arabia|Saudi|Riyadh|
Senegal|Senegalese|Dakar|
Serbia|Serbian,Serb|Belgrade|
Slovenia|Slovenian,Slovene|Ljubljana|
Somalia|Somali|Mogadishu|
South Africa|South African|Pretoria|
South Korea|South Korean|Seoul|ROK
South Sudan|South Sudanese|Juba|
Spain|Spanish|Madrid|
Sudan|Sudanese|Khartoum|
Sweden|Swedish|Stockholm|
Switzerland|Swiss|Bern|
Syria|Syrian|Damascus|
Taiwan|Taiwanese|Taipei|
Tanzania|Tanzanian|Dodoma|
Thailand|Thai|Bangkok|
Trinidad and Tobago|Trinidadian|Port of Spain|
Tunisia|Tunisian|Tunis|
Turkey|Turkish|Ankara|Türkiye
Uganda|Ugandan|Kampala|
Ukraine|Ukrainian|Kyiv,Kiev|
United Arab Emirates|Emirati|Abu Dhabi|UAE
United States|American|Washington|US,U.S.,USA,U.S.A.,America,United States of America
Venezuela|Venezuelan|Caracas|
Vietnam|Vietnamese|Hanoi|
Yemen|Yemeni|Sanaa|
Zambia|Zambian|Lusaka|
Zimbabwe|Zimbabwean|Harare|
"""


@dataclass(frozen=True)
class State:
    """One state and the surface forms that stand for it."""

    name: str
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]
    others: tuple[str, ...]


def _split(field: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split(",") if part.strip())


@lru_cache(maxsize=1)
def states() -> dict[str, State]:
    """Every surface form (name, demonym, capital, other name) → its `State`."""
    index: dict[str, State] = {}
    for line in _TABLE.strip().splitlines():
        name, demonyms, capitals, others = [*line.split("|"), "", "", ""][:4]
        state = State(name, _split(demonyms), _split(capitals), _split(others))
        for form in (name, *state.demonyms, *state.capitals, *state.others):
            index.setdefault(form, state)
    return index


def lookup(text: str) -> State | None:
    """The state a surface form stands for (exact, then without a leading 'the' or a possessive
    'North Korea's'), else None."""
    table = states()
    cleaned = _POSSESSIVE.sub("", text.strip())
    if cleaned in table:
        return table[cleaned]
    lowered = cleaned.lower()
    if lowered.startswith("the "):
        return table.get(cleaned[4:])
    return None


_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


@lru_cache(maxsize=1)
def names_with_and() -> dict[str, tuple[str, ...]]:
    """'Bosnia and Herzegovina', 'Trinidad and Tobago' (names a recognizer may read as two), by
    what comes before their 'and'."""
    found: dict[str, tuple[str, ...]] = {}
    for form in states():
        if " and " in form:
            before = form.split(" and ")[0]
            found[before] = (*found.get(before, ()), form)
    return found


def is_capital(text: str) -> bool:
    """True when the form is a capital city (a metonym only in some uses)."""
    state = lookup(text)
    return state is not None and text.strip() in state.capitals
