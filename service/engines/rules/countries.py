"""A compact table of states: name, demonyms, capitals and other names.

Why: news text names a state by its name ("Russia"), its adjective ("Russian") or its capital
used as metonym ("Moscow"); merging them needs a table. It covers every UN member and
observer, and Kosovo, Palestine and Taiwan; a capital that is also a common word or another
place's name ('Male', 'Kingston', 'Victoria') is left out, since it would name a state wrongly.
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
Andorra|Andorran|Andorra la Vella|
Angola|Angolan|Luanda|
Antigua and Barbuda|Antiguan|St. John's|
Argentina|Argentine,Argentinian|Buenos Aires|
Armenia|Armenian|Yerevan|
Australia|Australian|Canberra|
Austria|Austrian|Vienna|
Azerbaijan|Azerbaijani|Baku|
Bahamas|Bahamian||The Bahamas
Bahrain|Bahraini|Manama|
Bangladesh|Bangladeshi|Dhaka|
Barbados|Barbadian,Bajan|Bridgetown|
Belarus|Belarusian|Minsk|
Belgium|Belgian|Brussels|
Belize|Belizean|Belmopan|
Benin|Beninese|Porto-Novo|
Bhutan|Bhutanese|Thimphu|
Bolivia|Bolivian|La Paz,Sucre|
Bosnia|Bosnian|Sarajevo|Bosnia and Herzegovina
Botswana|Motswana,Batswana|Gaborone|
Brazil|Brazilian|Brasilia,Brasília|
Britain|British|London|United Kingdom,UK,U.K.,Great Britain
Brunei|Bruneian|Bandar Seri Begawan|
Bulgaria|Bulgarian|Sofia|
Burkina Faso|Burkinabe,Burkinabè|Ouagadougou|
Burundi|Burundian|Bujumbura|
Cabo Verde|Cape Verdean|Praia|Cape Verde
Cambodia|Cambodian|Phnom Penh|
Cameroon|Cameroonian|Yaoundé,Yaounde|
Canada|Canadian|Ottawa|
Central African Republic|Central African|Bangui|CAR
Chad|Chadian|N'Djamena|
Chile|Chilean|Santiago|
China|Chinese|Beijing|PRC,People's Republic of China
Colombia|Colombian|Bogota,Bogotá|
Comoros|Comoran,Comorian|Moroni|
Costa Rica|Costa Rican||
Croatia|Croatian|Zagreb|
Cuba|Cuban|Havana|
Cyprus|Cypriot|Nicosia|
Czech Republic|Czech|Prague|Czechia
Democratic Republic of the Congo|Congolese|Kinshasa|Democratic Republic of Congo,DR Congo,DRC,Congo-Kinshasa,Congo
Denmark|Danish|Copenhagen|
Djibouti|Djiboutian||
Dominica|||
Dominican Republic|Dominican|Santo Domingo|
Ecuador|Ecuadorian,Ecuadorean|Quito|
Egypt|Egyptian|Cairo|
El Salvador|Salvadoran,Salvadorean|San Salvador|
Equatorial Guinea|Equatorial Guinean,Equatoguinean|Malabo|
Eritrea|Eritrean|Asmara|
Estonia|Estonian|Tallinn|
Eswatini|Swazi|Mbabane|Swaziland
Ethiopia|Ethiopian|Addis Ababa|
Fiji|Fijian|Suva|
Finland|Finnish|Helsinki|
France|French|Paris|
Gabon|Gabonese|Libreville|
Gambia|Gambian|Banjul|The Gambia
Georgia|Georgian|Tbilisi|
Germany|German|Berlin|
Ghana|Ghanaian|Accra|
Greece|Greek|Athens|
Grenada|Grenadian||
Guatemala|Guatemalan|Guatemala City|
Guinea|Guinean|Conakry|
Guinea-Bissau|Bissau-Guinean|Bissau|
Guyana|Guyanese||
Haiti|Haitian|Port-au-Prince|
Holy See||Vatican City|Vatican
Honduras|Honduran|Tegucigalpa|
Hungary|Hungarian|Budapest|
Iceland|Icelandic,Icelander|Reykjavik,Reykjavík|
India|Indian|New Delhi|
Indonesia|Indonesian|Jakarta|
Iran|Iranian|Tehran|
Iraq|Iraqi|Baghdad|
Ireland|Irish|Dublin|
Israel|Israeli|Jerusalem|
Italy|Italian|Rome|
Ivory Coast|Ivorian|Abidjan,Yamoussoukro|Côte d'Ivoire
Jamaica|Jamaican||
Japan|Japanese|Tokyo|
Jordan|Jordanian|Amman|
Kazakhstan|Kazakh|Astana|
Kenya|Kenyan|Nairobi|
Kiribati|I-Kiribati|Tarawa|
Kosovo|Kosovar|Pristina|
Kuwait|Kuwaiti|Kuwait City|
Kyrgyzstan|Kyrgyz|Bishkek|
Laos|Laotian,Lao|Vientiane|
Latvia|Latvian|Riga|
Lebanon|Lebanese|Beirut|
Lesotho|Basotho,Mosotho|Maseru|
Liberia|Liberian|Monrovia|
Libya|Libyan|Tripoli|
Liechtenstein|Liechtensteiner|Vaduz|
Lithuania|Lithuanian|Vilnius|
Luxembourg|Luxembourgish,Luxembourger||
Madagascar|Malagasy|Antananarivo|
Malawi|Malawian|Lilongwe|
Malaysia|Malaysian|Kuala Lumpur|
Maldives|Maldivian||The Maldives
Mali|Malian|Bamako|
Malta|Maltese|Valletta|
Marshall Islands|Marshallese|Majuro|
Mauritania|Mauritanian|Nouakchott|
Mauritius|Mauritian|Port Louis|
Mexico|Mexican|Mexico City|
Micronesia|Micronesian|Palikir|Federated States of Micronesia
Moldova|Moldovan|Chisinau,Chișinău|
Monaco|Monegasque,Monacan||
Mongolia|Mongolian|Ulaanbaatar,Ulan Bator|
Montenegro|Montenegrin|Podgorica|
Morocco|Moroccan|Rabat|
Mozambique|Mozambican|Maputo|
Myanmar|Burmese|Naypyidaw|Burma
Namibia|Namibian|Windhoek|
Nauru|Nauruan||
Nepal|Nepali,Nepalese|Kathmandu|
Netherlands|Dutch|Amsterdam,The Hague|Holland
New Zealand|New Zealander|Wellington|NZ
Nicaragua|Nicaraguan|Managua|
Niger|Nigerien|Niamey|
Nigeria|Nigerian|Abuja|
North Korea|North Korean|Pyongyang|DPRK
North Macedonia|Macedonian|Skopje|Macedonia
Norway|Norwegian|Oslo|
Oman|Omani|Muscat|
Pakistan|Pakistani|Islamabad|
Palau|Palauan|Ngerulmud|
Palestine|Palestinian|Ramallah|Palestinians,Palestinian Authority
Panama|Panamanian|Panama City|
Papua New Guinea|Papua New Guinean|Port Moresby|PNG
Paraguay|Paraguayan|Asunción,Asuncion|
Peru|Peruvian|Lima|
Philippines|Filipino,Philippine|Manila|
Poland|Polish|Warsaw|
Portugal|Portuguese|Lisbon|
Qatar|Qatari|Doha|
Republic of the Congo||Brazzaville|Republic of Congo,Congo-Brazzaville
Romania|Romanian|Bucharest|
Russia|Russian|Moscow|Russian Federation
Rwanda|Rwandan|Kigali|
Saint Kitts and Nevis|Kittitian|Basseterre|St Kitts and Nevis,St. Kitts and Nevis
Saint Lucia|Saint Lucian|Castries|St Lucia,St. Lucia
Saint Vincent and the Grenadines|Vincentian|Kingstown|St Vincent and the Grenadines,St. Vincent and the Grenadines
Samoa|Samoan|Apia|
San Marino|Sammarinese||
Saudi Arabia|Saudi|Riyadh|
Senegal|Senegalese|Dakar|
Serbia|Serbian,Serb|Belgrade|
Seychelles|Seychellois||
Sierra Leone|Sierra Leonean|Freetown|
Singapore|Singaporean||
Slovakia|Slovak|Bratislava|
Slovenia|Slovenian,Slovene|Ljubljana|
Solomon Islands|Solomon Islander|Honiara|
Somalia|Somali|Mogadishu|
South Africa|South African|Pretoria|
South Korea|South Korean|Seoul|ROK
South Sudan|South Sudanese|Juba|
Spain|Spanish|Madrid|
Sri Lanka|Sri Lankan|Colombo|
Sudan|Sudanese|Khartoum|
Suriname|Surinamese|Paramaribo|
Sweden|Swedish|Stockholm|
Switzerland|Swiss|Bern|
Syria|Syrian|Damascus|
São Tomé and Príncipe|Santomean||Sao Tome and Principe
Taiwan|Taiwanese|Taipei|
Tajikistan|Tajik|Dushanbe|
Tanzania|Tanzanian|Dodoma|
Thailand|Thai|Bangkok|
Timor-Leste|Timorese|Dili|East Timor
Togo|Togolese|Lomé,Lome|
Tonga|Tongan|Nuku'alofa|
Trinidad and Tobago|Trinidadian|Port of Spain|
Tunisia|Tunisian|Tunis|
Turkey|Turkish|Ankara|Türkiye
Turkmenistan|Turkmen|Ashgabat|
Tuvalu|Tuvaluan|Funafuti|
Uganda|Ugandan|Kampala|
Ukraine|Ukrainian|Kyiv,Kiev|
United Arab Emirates|Emirati|Abu Dhabi|UAE
United States|American|Washington|US,U.S.,USA,U.S.A.,America,United States of America
Uruguay|Uruguayan|Montevideo|
Uzbekistan|Uzbek|Tashkent|
Vanuatu|Ni-Vanuatu|Port Vila|
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
