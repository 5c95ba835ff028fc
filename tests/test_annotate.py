"""Unit tests of the annotator, module by module, on small strings and on the sample release."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.annotate import ANNOTATOR_VERSION, annotate
from generator.annotate.countries import countries, find_countries
from generator.annotate.figures import figures, figures_in
from generator.annotate.issuer import issuer
from generator.annotate.orgs import orgs
from generator.annotate.people import people
from generator.annotate.quotes import quotes
from generator.annotate.summary import summary
from generator.annotate.text import sentences
from generator.annotate.title import title
from generator.annotate.topics import topics
from generator.config import default_taxonomy
from generator.ingest.wire import load_release
from generator.records import Person, Release, Topic

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "releases" / "2024-10-28-dod-1.txt"
if not SAMPLE.is_file():
    SAMPLE = Path("/work/shared/corpus/sample/2024-10-28-dod-1.txt")


def release(*paragraphs: str, byline: str = "", headline: str = "") -> Release:
    return Release(
        source_file="x.txt", sha256="0" * 64, date=dt.date(2024, 10, 28), kind="News release", distributor="Public",
        distributed_at=dt.datetime(2024, 10, 28, 14, 55, tzinfo=ZoneInfo("UTC")), paragraphs=tuple(paragraphs),
        byline=byline, headline=headline,
    )


@pytest.fixture(scope="module")
def sample():
    rel = load_release(SAMPLE, SAMPLE.name, ZoneInfo("UTC"))
    return rel, annotate(rel, default_taxonomy())


# --- text -----------------------------------------------------------------------------------

def test_sentences_do_not_split_after_initials_and_abbreviations():
    parts = sentences("Secretary Lloyd J. Austin III met Mr. Kim in the U.S. capital. He left on Oct. 1. Then it rained.")
    assert parts == ["Secretary Lloyd J. Austin III met Mr. Kim in the U.S. capital.", "He left on Oct. 1.", "Then it rained."]


# --- countries ------------------------------------------------------------------------------

def test_countries_by_name_adjective_acronym_in_order_of_first_mention():
    rel = release("Israeli forces struck Iran. The DPRK sent troops to Russia; the ROK and the U.S. objected.")
    assert countries(rel) == ("IL", "IR", "KP", "RU", "KR", "US")


def test_countries_special_forms_and_non_countries():
    assert [c for c, _ in find_countries(["Aid reached Gaza and Kosovo; Taiwan and the PRC talked."])] == ["PS", "XK", "TW", "CN"]
    assert find_countries(["Leaders of Latin America met in New Mexico."]) == []
    assert find_countries(["We will keep working. The President spoke."]) == []


def test_georgia_the_us_state_is_not_a_country():
    assert find_countries(["The office in Atlanta, Georgia opened."]) == []
    assert [c for c, _ in find_countries(["Georgia and Armenia signed."])] == ["GE", "AM"]


# --- issuer ---------------------------------------------------------------------------------

@pytest.mark.parametrize("rel, expected", [
    (release("The Secretary met the minister.", "Text.", byline="Ned Price, Department Spokesperson"), "U.S. Department of State"),
    (release("I am proud of our troops.", "JOSEPH R. BIDEN JR."), "The White House"),
    (release("WASHINGTON – Today, the U.S. Department of the Treasury’s Office of Foreign Assets Control (OFAC) sanctioned ten people."),
     "U.S. Department of the Treasury"),
    (release("WASHINGTON - A man pleaded guilty today, the Justice Department announced.", "He was sentenced."),
     "U.S. Department of Justice"),
])
def test_issuer(rel, expected):
    assert issuer(rel) == expected


# --- topics ---------------------------------------------------------------------------------

TAXONOMY = (
    Topic("middle-east", "Middle East", keywords=(("Israel*", 2.0), ("Gaza", 2.0))),
    Topic("climate-energy", "Climate", keywords=(("climate", 2.0), ("clean energy", 2.0))),
    Topic("domestic", "Domestic", keywords=(("jobs", 1.0), ("housing", 2.0))),
)


def test_topics_follow_the_configured_keywords_most_central_first():
    rel = release("Israel and Gaza talks went on. Israeli officials met in Gaza.",
                  "Climate policy was also discussed at length. Clean energy and the climate got a long hearing.")
    assert topics(rel, TAXONOMY) == ("middle-east", "climate-energy")


def test_a_passing_mention_is_not_a_topic_and_domestic_is_the_fallback():
    rel = release("New housing was built for families across the country.", "The mayor thanked Israel for its note.")
    assert topics(rel, TAXONOMY) == ("domestic",)


def test_topics_change_when_the_user_edits_the_taxonomy():
    edited = (Topic("space", "Space", keywords=(("rocket*", 2.0),)),) + TAXONOMY
    rel = release("The rockets launched on time and the rocket crews cheered.")
    assert topics(rel, edited) == ("space",)


# --- people ---------------------------------------------------------------------------------

def test_people_role_before_and_after_the_name_and_merge_by_surname():
    rel = release("Secretary of Defense Lloyd J. Austin III spoke with Israeli Minister of Defense Yoav Gallant.",
                  "Austin said the talks went well, said Nathan J. Hochman, Assistant Attorney General of the Tax Division.",
                  "Mr. Hochman left.")
    got = {p.name: p.role for p in people(rel)}
    assert got == {"Lloyd J. Austin III": "Secretary of Defense", "Yoav Gallant": "Israeli Minister of Defense",
                   "Nathan J. Hochman": "Assistant Attorney General of the Tax Division"}


def test_people_byline_and_names_inside_other_names():
    rel = release("The Biden-Harris Administration announced steps.", byline="Ned Price, Department Spokesperson")
    names = [p.name for p in people(rel)]
    assert names[0] == "Ned Price"
    assert "Biden" in names and "Harris" in names


def test_people_not_organisations_or_places():
    rel = release("She studied at Belmont University and worked at Holland & Knight LLP in New York.")
    assert people(rel) == ()


# --- orgs -----------------------------------------------------------------------------------

def test_orgs_with_acronym_aliases_and_known_aliases():
    rel = release("The U.S. Department of the Treasury’s Office of Foreign Assets Control (OFAC) acted with the Pentagon.",
                  "OFAC and Hamas were named; the Biden Administration is not an organisation.")
    got = {o.name: o.aliases for o in orgs(rel)}
    assert got["Office of Foreign Assets Control"] == ("OFAC",)
    assert "Pentagon" in got["Department of Defense"]
    assert "Hamas" in got
    assert not any("Administration" in name for name in got)


# --- quotes ---------------------------------------------------------------------------------

def test_quotes_split_by_attribution_with_speakers_resolved():
    persons = (Person("Sabrina Singh", "Deputy Pentagon Press Secretary"), Person("Eileen Mayer"))
    rel = release(
        "“We believe that this should be the end,” said Deputy Pentagon Press Secretary Sabrina Singh. "
        "\"We don't think that Iran needs to respond.\"",
        "\"The secretary also discussed the opportunities,\" Singh said.",
        "\"This is a very serious matter for us all,\" she said. It was a \"tit-for-tat\" move.",
        "SECRETARY BLINKEN: Thank you all very much for coming today.",
    )
    got = [(q.text, q.speaker, q.paragraph) for q in quotes(rel, persons)]
    assert got == [
        ("We believe that this should be the end", "Sabrina Singh", 0),
        ("We don't think that Iran needs to respond.", "Sabrina Singh", 0),
        ("The secretary also discussed the opportunities", "Sabrina Singh", 1),
        ("This is a very serious matter for us all", "Sabrina Singh", 2),
    ]


def test_quote_without_attribution_has_empty_speaker():
    rel = release("The banner read \"we will never stop working for peace here\" in big letters.")
    assert [q.speaker for q in quotes(rel, ())] == [""]


# --- figures --------------------------------------------------------------------------------

def values(text: str) -> list[tuple[float, str]]:
    return [(f.value, f.unit) for f in figures_in(text, 0)]


def test_figures_money_percent_counts_words_and_qualifiers():
    found = figures_in("Iran launched about 200 ballistic missiles and $1.2 billion was spent; 2.5% fell.", 0)
    assert [(f.value, f.unit, f.qualifier) for f in found] == [(200, "", "about"), (1200000000, "USD", ""),
                                                               (2.5, "percent", "")]
    assert found[0].object == "ballistic missiles"
    assert values("three people were hurt over nearly 30 years") == [(3, ""), (30, "years")]


def test_not_figures_dates_years_times_ordinals_identifiers_referring_phrases():
    text = ("On Oct. 1, 2023, at 10:30 a.m., the 56th meeting under Executive Order 13224 and COVID-19 rules "
            "saw the two leaders meet; (1) a list item.")
    assert values(text) == []


def test_a_repeated_fact_is_listed_once():
    rel = release("Iran launched 200 ballistic missiles.", "The 200 ballistic missiles were intercepted.")
    assert [f.value for f in figures(rel)] == [200]


# --- title and summary ---------------------------------------------------------------------

def test_title_from_headline_or_derived():
    assert title(release("Body text here.", headline="Treasury Sanctions Network")) == ("Treasury Sanctions Network", "release")
    derived, source = title(release("President Joseph R. Biden, Jr. spoke today with Prime Minister Narendra Modi of India "
                                    "to discuss the partnership."))
    assert source == "derived"
    assert derived.startswith("Readout of President Joseph R. Biden, Jr.")
    assert "Call with Prime Minister Narendra Modi of India" in derived
    assert not derived.endswith(".") and len(derived.split()) <= 15


def test_summary_is_the_opening_sentences():
    rel = release("WASHINGTON – The department announced a settlement with the bank today. It covers many claims. More.")
    assert summary(rel) == "The department announced a settlement with the bank today. It covers many claims."


# --- the sample release ---------------------------------------------------------------------

def test_sample_people(sample):
    _, ann = sample
    roles = {p.name: p.role for p in ann.people}
    assert roles["Lloyd J. Austin III"] == "Secretary of Defense"
    assert roles["Sabrina Singh"] == "Deputy Pentagon Press Secretary"
    assert "Austin" not in roles  # merged into the full name
    assert {"Yoav Gallant", "Putin", "Kim Yong-hyun"} <= set(roles)


def test_sample_countries(sample):
    _, ann = sample
    assert {"IL", "IR", "US", "RU", "UA", "KP", "KR"} <= set(ann.countries)
    assert ann.countries[:2] == ("IL", "IR")


def test_sample_figures(sample):
    _, ann = sample
    got = {(f.value, f.object) for f in ann.figures}
    assert got == {(200, "ballistic missiles"), (500000, "casualties"), (10000, "soldiers")}


def test_sample_quotes(sample):
    _, ann = sample
    assert len(ann.quotes) == 7
    assert {q.speaker for q in ann.quotes} == {"Sabrina Singh"}
    assert ann.quotes[0].text.startswith("We believe that this should be the end")
    assert all(q.paragraph >= 2 for q in ann.quotes)


def test_sample_issuer_topics_orgs(sample):
    rel, ann = sample
    assert ann.issuer == "U.S. Department of Defense"
    assert ann.topics[0] == "middle-east" and "russia-ukraine" in ann.topics
    names = {o.name for o in ann.orgs}
    assert {"Department of Defense", "Hamas"} <= names
    assert ann.title_source == "derived" and ann.title
    assert ann.summary.startswith("On Friday, Israel conducted a precision strike")


def test_annotate_is_pure_and_versioned(sample):
    rel, ann = sample
    assert annotate(rel, default_taxonomy()) == ann
    assert isinstance(ANNOTATOR_VERSION, str) and ANNOTATOR_VERSION


# --- issue 3: further cases per field -------------------------------------------------------

def test_topics_a_topic_several_sentences_support_stays_beside_a_dominant_one():
    main = " ".join(f"Israel and Gaza were discussed again in round {n}." for n in range(12))
    rel = release(main, "Climate policy mattered. The climate plan was long. Climate money grew. Climate aid rose. "
                        "Climate talks ended. Climate pledges came.")
    assert topics(rel, TAXONOMY)[:2] == ("middle-east", "climate-energy")


def test_topics_a_list_of_names_is_a_passing_mention():
    rel = release("Libya needs elections soon. The people of Libya deserve peace. Libya’s leaders must agree.",
                  "France, Germany, Italy, Spain, and the United States welcome the agreement.")
    taxonomy = (Topic("africa", "Africa", keywords=(("Libya*", 2.0),)),
                Topic("europe", "Europe", keywords=(("France", 2.0), ("Germany", 2.0), ("Italy", 2.0), ("Spain", 2.0))))
    assert topics(rel, taxonomy) == ("africa",)


def test_people_plural_role_ages_affiliation_and_offices_that_are_not_people():
    rel = release("The case was prosecuted by Trial Attorneys Paul Smyth and Kevin O’Regan of the Civil Rights Division.",
                  "The indictment alleges that Benjamin Haskell, 22, set the fire.",
                  "Commissioner William J. Fitchet of the Springfield Police Department thanked the agents.",
                  "Iran’s Minister of Petroleum met the Chief Sustainability Officer.")
    found = {p.name: p.role for p in people(rel)}
    assert found == {"Paul Smyth": "Trial Attorneys", "Kevin O’Regan": "Trial Attorneys", "Benjamin Haskell": "",
                     "William J. Fitchet": "Commissioner"}


def test_orgs_offices_named_for_a_title_holder_and_names_with_commas():
    rel = release("The U.S. Attorney’s Office for the District of Massachusetts and the Bureau of Alcohol, Tobacco, "
                  "Firearms and Explosives (ATF) investigated.")
    names = [o.name for o in orgs(rel)]
    assert "U.S. Attorney’s Office for the District of Massachusetts" in names
    assert "Bureau of Alcohol, Tobacco, Firearms and Explosives" in names
    assert "Office for the District of Massachusetts" not in names


def test_figures_dollars_in_words_are_usd_and_a_year_is_not_a_ratio():
    found = figures_in("The firm paid 22 billion dollars, and exports reached more than $4.5 billion in 2019.", 0)
    assert [(f.value, f.unit, f.qualifier) for f in found] == [(22_000_000_000, "USD", ""),
                                                               (4_500_000_000, "USD", "more than")]
    assert all("more than" not in str(f.value) for f in found)


@pytest.mark.parametrize("paragraphs,issuer_name,expected", [
    (("WASHINGTON – Jorge Smith, 45, a former senator, pleaded guilty today in federal court in Boston to "
      "wire fraud and extortion, the Justice Department announced.",), "U.S. Department of Justice",
     "Jorge Smith Pleads Guilty to Wire Fraud and Extortion"),
    (("WASHINGTON – Acme Corp. has agreed to pay the United States $15.5 million to settle allegations that it "
      "submitted false claims.",), "U.S. Department of Justice", "Acme Corp. Agrees to Pay $15.5 Million to Settle Allegations"),
    (("Dear Mr. Speaker: (Dear Madam President:)", "I have sent to the Federal Register the enclosed notice stating "
      "that the national emergency with respect to Lebanon declared in Executive Order 13441 is to continue."),
     "The White House", "Letter to Congress on the Continuation of the National Emergency With Respect to Lebanon"),
    (("WASHINGTON – Today, President Joe Biden announced his intent to nominate the following individuals:",
      "- Jane Doe, Nominee for Ambassador to Niger"), "The White House", "President Biden Announces Key Nominees"),
    (("Today, the Department of the Treasury announced new rules for clean vehicle credits that lower costs.",),
     "U.S. Department of the Treasury", "Department of the Treasury Announces New Rules for Clean Vehicle Credits That Lower Costs"),
    # a joint statement names its topic after "regarding" / "to express"
    (("The text of the following statement was released by the Governments of Canada, Chile, and the United States "
      "regarding the Global Partnership for Action on Online Harassment.", "Begin text:"), "U.S. Department of State",
     "Joint Statement on the Global Partnership for Action on Online Harassment"),
    # a deck above the dateline is not the lead; the agency's parenthetical abbreviation is dropped
    (("Report recommends a hybrid model for insurance regulation",
      "WASHINGTON – Today, the U.S. Department of the Treasury (Treasury) released a report on insurance regulation."),
     "U.S. Department of the Treasury", "U.S. Department of the Treasury Releases a Report on Insurance Regulation"),
    # an Executive Order signed "to <verb>" or "<verb>ing" is the President's action
    (("SECURING THE BORDER: Today, President Donald J. Trump signed an Executive Order establishing a White House "
      "Task Force on the Olympics.",), "The White House",
     "Fact Sheet: President Donald J. Trump Establishes a White House Task Force on the Olympics"),
    # meetings with adverbs and places between "met" and "with"
    (("President Joseph R. Biden, Jr. met today at the White House with Prime Minister Naftali Bennett of Israel "
      "to reaffirm the partnership.",), "The White House",
     "Readout of President Joseph R. Biden, Jr. Meeting with Prime Minister Naftali Bennett of Israel"),
    # a first-person statement without byline is the President's in office on the release date
    (("I am proud of the progress we have made on electric vehicles in North Carolina.",), "The White House",
     "Statement from President Joe Biden"),
    # ... also when the "I" comes a few paragraphs in
    (("Thirty years ago, a brutal campaign of slaughter began in Rwanda.", "More than 800,000 people were murdered.",
      "Today, I join the people of Rwanda in remembering the victims."), "The White House",
     "Statement from President Joe Biden on Rwanda"),
    # the President hosting named guests is a meeting
    (("This morning, President Biden hosted Leader Schumer, Leader McConnell, Speaker Pelosi, and Leader McCarthy in the "
      "Roosevelt Room for a productive conversation.",), "The White House",
     "Readout of President Biden’s Meeting with Leader Schumer, Leader McConnell, Speaker Pelosi"),
    # appositions after the subject are dropped; cabinet secretaries by title and surname
    (("WASHINGTON – Acme Widgets, a Chicago manufacturer, today launched a new export program for small firms.",),
     "U.S. Department of Commerce", "Acme Widgets Launches a New Export Program for Small Firms"),
    (("WASHINGTON — Today, U.S. Secretary of the Treasury Janet L. Yellen announced new support for small businesses.",),
     "U.S. Department of the Treasury", "Secretary Yellen Announces New Support for Small Businesses"),
    # a lower-case lead phrase after "Today," is dropped; "are hosting" in headline tense
    (("WASHINGTON – Today, in advance of the anniversary of the Inflation Reduction Act, the U.S. Department of the "
      "Treasury released new data on energy savings.",), "U.S. Department of the Treasury",
     "U.S. Department of the Treasury Releases New Data on Energy Savings"),
    (("WASHINGTON – Today, the U.S. Department of the Treasury and the U.S. Department of Transportation are hosting a "
      "summit on infrastructure investment.",), "U.S. Department of the Treasury",
     "U.S. Department of the Treasury and the U.S. Department of Transportation Host a Summit"),
])
def test_derived_titles_follow_editors_patterns(paragraphs, issuer_name, expected):
    derived, source = title(release(*paragraphs), issuer_name)
    assert source == "derived"
    assert derived == expected
    assert not derived.endswith((".", ",", " of", " the", " and"))
    assert len(derived.split()) <= 15


def test_all_caps_label_becomes_a_headline_in_headline_case():
    from generator.annotate.title import uncapitalise
    from generator.ingest.wire import parse_release

    text = ("10/28/2024 | News release | Distributed by Public on 10/28/2024 14:55\n"
            "STRENGTHENING THE U.S. DEFENSE INDUSTRIAL BASE: This week NATO allies met.\n"
            "NATO agreed to more spending.\n")
    release = parse_release(text, "x.txt", "0" * 64, ZoneInfo("UTC"))
    assert uncapitalise("STRENGTHENING THE U.S. DEFENSE INDUSTRIAL BASE", release) == \
        "Strengthening the U.S. Defense Industrial Base"
    assert uncapitalise("NATO ALLIES MEET", release) == "NATO Allies Meet"
    assert uncapitalise("Already Fine", release) == "Already Fine"
