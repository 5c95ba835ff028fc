"""Places (cities and regions with their country) and dates mentioned (resolved against the release date)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.annotate.dates import dates
from generator.annotate.places import places
from generator.ingest.wire import load_release, parse_release
from generator.records import DateMention, Place

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "releases" / "2024-10-28-dod-1.txt"
HEADER = "10/28/2024 | News release | Distributed by Public on 10/28/2024 14:55\n"  # a Monday


def rel(*paragraphs: str, header: str = HEADER, front: str = ""):
    text = header + front + "\n".join(paragraphs) + "\n"
    return parse_release(text, "x.txt", "0" * 64, ZoneInfo("UTC"))


def found(*paragraphs: str, **kw) -> dict[str, str]:
    return {p.name: p.country for p in places(rel(*paragraphs, **kw))}


def resolved(*paragraphs: str, **kw) -> dict[str, dt.date]:
    return {d.text: d.date for d in dates(rel(*paragraphs, **kw))}


D = dt.date


# ---------------------------------------------------------------- places

@pytest.mark.parametrize("text, name, country", [
    ("Russian missiles struck Kyiv overnight.", "Kyiv", "UA"),
    ("Ukrainian forces are fighting in Russia's Kursk Oblast.", "Kursk Oblast", "RU"),
    ("Aid reached Gaza this week.", "Gaza", "PS"),
    ("Settler violence in the West Bank continued.", "West Bank", "PS"),
    ("The envoy flew to Pyongyang on a rare visit.", "Pyongyang", "KP"),
    ("He was arrested in Charleston, S.C., last year.", "Charleston", "US"),
    ("The ministers met in Riyadh, Saudi Arabia, to discuss trade.", "Riyadh", "SA"),
    ("The conference took place in Gaborone, Botswana.", "Gaborone", "BW"),
    ("The company is based in Birmingham, Ala.-based suppliers aside.", "Birmingham", "US"),
    ("The delegation met officials in Washington to discuss the deal.", "Washington", "US"),
    ("She lives in Washington, D.C. with her family.", "Washington", "US"),
    ("Famine threatens Tigray and Darfur.", "Tigray", "ET"),
    ("Insecurity spread across the Sahel.", "Sahel", ""),
    ("Wildfires burned across Texas and Oklahoma.", "Texas", "US"),
    ("Barrday, headquartered in Cambridge, Ontario, Canada, weaves fabric.", "Cambridge", "CA"),
])
def test_places_found_with_their_country(text, name, country):
    assert found(text).get(name, "missing") == country


def test_places_first_mention_order_one_entry_each_and_paragraph_index():
    got = places(rel("Nothing here.", "Strikes hit Kyiv and Kharkiv.", "Kyiv again, then Odesa."))
    assert [(p.name, p.country, p.paragraph) for p in got] == [
        ("Kyiv", "UA", 1), ("Kharkiv", "UA", 1), ("Odesa", "UA", 2)]


def test_dateline_field_counts_as_paragraph_zero():
    got = places(rel("Remarks as prepared.", "The talks in Kyiv went on.",
                     front="Antony J. Blinken, Secretary of State\nBerlin, Germany\n"))
    assert got[0] == Place("Berlin", "DE", 0)
    assert Place("Kyiv", "UA", 1) in got


def test_dateline_with_a_region_qualifier():
    got = places(rel("We met the Palestinian Authority.", front="Antony J. Blinken, Secretary of State\nRamallah, West Bank\n"))
    assert [(p.name, p.country) for p in got] == [("Ramallah", "PS"), ("West Bank", "PS")]


def test_upper_case_dateline_at_a_paragraph_start():
    assert found("WASHINGTON – The Justice Department filed suit today.") == {"Washington": "US"}
    assert found("WASHINGTON AND PENSACOLA, Fla. – Seven defendants were charged.") == {
        "Washington": "US", "Pensacola": "US"}


@pytest.mark.parametrize("text", [
    "The Washington Post reported the strike.",
    "George Washington crossed the river.",
    "Jordan Smith, 35, was charged with fraud.",
    "Secretary of Defense Lloyd J. Austin III met his counterpart. Austin said the talks went well.",
    "He studied at the University of Texas and then at Indiana University.",
    "The U.S. Attorney for the Eastern District of Virginia announced the charges.",
    "The Texas Department of Public Safety assisted.",
    "Water levels on the Mississippi fell again.",
    "The Police arrived at noon; Reading the report took an hour; Nice work, he said.",
    "Jordan and Georgia signed the agreement.",  # countries, not places
    "KIK (Virginia) LLC pleaded guilty.",
])
def test_not_places(text):
    assert found(text) == {}


def test_a_name_used_for_a_person_is_not_a_place_in_that_release():
    assert "Washington" not in found("George Washington led the army.", "Washington said he was tired after the war.")


def test_ambiguous_city_needs_its_country_named_or_a_clear_majority():
    assert found("Flooding hit Valencia overnight.") == {}  # Spain or Venezuela: not known
    assert found("Flooding hit Valencia overnight, Spain's government said.") == {"Valencia": "ES"}
    assert found("The summit opened in Paris.") == {"Paris": "FR"}  # Paris, Texas is far smaller


def test_sample_release_places():
    got = places(load_release(SAMPLE, SAMPLE.name, ZoneInfo("UTC")))
    assert Place("Gaza", "PS", 4) in got
    assert Place("Kursk Oblast", "RU", 7) in got
    assert {p.name for p in got} == {"Gaza", "Kursk Oblast"}  # Israel, Iran, Lebanon, Ukraine... are countries


# ---------------------------------------------------------------- dates

def test_sample_release_dates():
    got = dates(load_release(SAMPLE, SAMPLE.name, ZoneInfo("UTC")))
    assert got[:2] == (DateMention("On Friday", D(2024, 10, 25), 0), DateMention("Oct. 1", D(2024, 10, 1), 0))
    assert DateMention("today", D(2024, 10, 28), 2) in got
    assert DateMention("Oct. 7, 2023", D(2023, 10, 7), 3) in got
    assert D(2022, 2, 1) not in {d.date for d in got}  # "in February 2022" has no day
    assert len({d.date for d in got}) == len(got)  # "On Oct. 1" in paragraph 2 is not listed again


@pytest.mark.parametrize("text, mention, date", [
    ("On Friday, Israel struck military targets.", "On Friday", D(2024, 10, 25)),
    ("They met last Friday.", "last Friday", D(2024, 10, 25)),
    ("The minister met reporters Saturday.", "Saturday", D(2024, 10, 26)),
    ("The minister will travel to Paris on Friday.", "on Friday", D(2024, 11, 1)),
    ("The vote is next Tuesday.", "next Tuesday", D(2024, 10, 29)),  # the coming one
    ("We spoke today.", "today", D(2024, 10, 28)),
    ("The rule applies as of today.", "today", D(2024, 10, 28)),
    ("We spoke yesterday.", "yesterday", D(2024, 10, 27)),
    ("They meet tomorrow.", "tomorrow", D(2024, 10, 29)),
    ("The Oct. 1 attack failed.", "Oct. 1", D(2024, 10, 1)),
    ("Hamas attacked Israel Oct. 7, 2023, killing 1,200.", "Oct. 7, 2023", D(2023, 10, 7)),
    ("The election was held November 8, 2024.", "November 8, 2024", D(2024, 11, 8)),
    ("The accord was signed 8 November 2024 in Baku.", "8 November 2024", D(2024, 11, 8)),
    ("Russia invaded on Feb. 24, 2022.", "Feb. 24, 2022", D(2022, 2, 24)),
    ("The summit runs March 23-25, 2025.", "March 23-25, 2025", D(2025, 3, 23)),
    ("The report was published Dec. 2.", "Dec. 2", D(2024, 12, 2)),  # a month ahead: same year
    ("The talks began in earnest on May 30.", "May 30", D(2024, 5, 30)),
    ("The storm hit on Nov. 30 of that year.", "Nov. 30", D(2024, 11, 30)),
    ("Since the Oct. 7 attack, hostages remain in Gaza.", "Oct. 7", D(2023, 10, 7)),
])
def test_dates_resolved(text, mention, date):
    assert resolved(text) == {mention: date}


def test_month_day_far_ahead_is_last_year_and_future_tense_moves_forward():
    december = "12/20/2024 | News release | Distributed by Public on 12/20/2024 09:00\n"
    assert resolved("The attack on July 4 killed three.", header=HEADER) == {"July 4": D(2024, 7, 4)}
    january = "01/10/2025 | News release | Distributed by Public on 01/10/2025 09:00\n"
    assert resolved("The strike of Aug. 3 was condemned.", header=january) == {"Aug. 3": D(2024, 8, 3)}  # 7 months on
    assert resolved("The strike of June 3 was condemned.", header=january) == {"June 3": D(2025, 6, 3)}  # under 6
    assert resolved("The Secretary will travel to Tokyo Jan. 5.", header=december) == {"Jan. 5": D(2025, 1, 5)}


@pytest.mark.parametrize("text", [
    "The invasion began in 2022.",
    "The war began in February 2022.",
    "The meeting starts at 2 p.m. and ends at 4:30 p.m.",
    "On Good Friday, the churches were full.",
    "May God bless our troops.",
    "The Mayor spoke on March and its history.",
    "They discussed the challenges of today and tomorrow.",
    "We train tomorrow's leaders.",
])
def test_not_dates(text):
    assert resolved(text) == {}


def test_dates_text_order_and_each_date_once():
    got = dates(rel("On Friday, the talks ended. Oct. 25 was a hard day.", "Yesterday and on Oct. 27 it rained."))
    assert [(d.text, d.date, d.paragraph) for d in got] == [("On Friday", D(2024, 10, 25), 0),
                                                            ("Yesterday", D(2024, 10, 27), 1)]


def test_weekday_with_its_date_is_one_mention():
    assert resolved("The meeting on Friday, Oct. 25, 2024 was held.") == {"Oct. 25, 2024": D(2024, 10, 25)}
