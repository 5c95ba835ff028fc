"""Countries referred to: ISO 3166-1 alpha-2 codes in order of first mention."""
from __future__ import annotations

import re
from importlib import resources

import pycountry

from generator.records import Release

# pycountry entries that are also common words or names of other places.
SKIP_NAMES = {"Jersey", "Georgia", "Guernsey", "Man", "Congo", "Niger", "Chad", "Jordan", "Turkey", "Bonaire, Sint Eustatius and Saba"}


def _forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if not name or name in SKIP_NAMES:
                continue
            if "," in name:  # "Korea, Republic of" -> "Republic of Korea"
                head, _, tail = name.partition(", ")
                name = f"{tail} {head}" if tail.endswith(" of") else head
            forms.setdefault(name, country.alpha_2)
    extra = resources.files(__package__).joinpath("countries_extra.tsv").read_text(encoding="utf-8")
    for line in extra.splitlines():
        if line.strip() and not line.startswith("#"):
            form, code = line.split("\t")
            forms[form.strip()] = code.strip()
    # the ambiguous short names, only where context does not make them a person or a US state
    forms.update({"Chad": "TD", "Niger": "NE", "Jordan": "JO", "Turkey": "TR", "Georgia": "GE",
                  "Congo": "CD", "Republic of Georgia": "GE"})
    return forms


FORMS = _forms()
_alternation = "|".join(re.escape(f) for f in sorted(FORMS, key=len, reverse=True))
PATTERN = re.compile(r"(?<![\w\-])(?=[A-ZÀ-Þ])(?:" + _alternation + r")(?:s|ns)?(?![\w])")
# "Georgia" after a US city ("Atlanta, Georgia"), a person's first name ("Jordan Smith")
AMBIGUOUS = {"Georgia", "Jordan", "Chad", "Turkey", "Niger", "Washington"}
PERSON_AFTER = re.compile(r"\s+[A-Z][a-z]+")


def find_countries(texts: list[str] | tuple[str, ...]) -> list[tuple[str, int]]:
    """(code, index of the text of its first mention) in order of first mention."""
    seen: dict[str, int] = {}
    for index, text in enumerate(texts):
        for match in PATTERN.finditer(text):
            form = match.group(0)
            code = FORMS.get(form)
            if code is None and form.endswith("s"):
                code = FORMS.get(form[:-1])
                if code is None and form.endswith("ns"):
                    code = FORMS.get(form[:-2])
            if code is None or code == "-" or code in seen:
                continue
            if form in AMBIGUOUS and not _country_sense(form, text, match.start(), match.end()):
                continue
            seen[code] = index
    return list(seen.items())


def _country_sense(form: str, text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 30):start]
    after = text[end:end + 20]
    if form == "Washington":
        return not after.startswith((" Post", " State", " Times")) and not re.search(r"George\s*$|[A-Z][a-z]+,\s*$", before)
    if PERSON_AFTER.match(after) and not after.startswith((" In", " The", " And")):
        return False  # "Jordan Smith", "Chad Wolf"
    if form == "Georgia" and re.search(r"[A-Z][a-z]+,\s*$|State of\s*$", before):
        return False  # "Atlanta, Georgia"
    return True


def countries(release: Release) -> tuple[str, ...]:
    texts = ([release.headline] if release.headline else []) + list(release.paragraphs)
    return tuple(code for code, _ in find_countries(texts))
