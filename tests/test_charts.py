"""Timeline charts: releases per period, computed in generator/digest.py, drawn by the theme as SVG."""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from generator.config import Config, parse_config
from generator.digest import MAX_BARS, timeline
from generator.model import build_site
from generator.records import Document, Topic, iso_week, pack
from generator.render import render_site
from generator.theme import resolve_theme


def doc(slug: str, day: dt.date, topics: tuple[str, ...] = ("middle-east",)) -> Document:
    return Document(
        path=f"{day.year}/{slug}.md", slug=slug, source_file=f"{slug}.txt", source_sha256="0" * 64,
        title=slug.title(), title_source="derived", date=day,
        distributed_at=dt.datetime.combine(day, dt.time(12), dt.timezone.utc), kind="News release",
        distributor="Public", issuer="The White House", week=iso_week(day), topics=topics, summary="S.",
        people=(), countries=(), orgs=(), quotes=(), figures=(), packed_body=pack("Text.\n"), digest=slug)


def entries(tmp_path, *days: dt.date):
    """The site's releases on these days, newest first, as templates get them."""
    documents = [doc(f"r{i}", day) for i, day in enumerate(days)]
    return build_site(documents, parse_config("title: T\n", tmp_path)).releases


D = dt.date


def test_weeks_with_zero_weeks_filled(tmp_path):
    t = timeline(entries(tmp_path, D(2024, 10, 28), D(2024, 10, 29), D(2024, 11, 14)))
    assert t.period == "week"
    assert [(b.label, b.short, b.count) for b in t.bars] == [
        ("Week 44, 2024", "W44 2024", 2), ("Week 45, 2024", "W45 2024", 0), ("Week 46, 2024", "W46 2024", 1)]
    assert t.bars[0].start == D(2024, 10, 28)
    assert (t.total, t.most, t.first, t.last) == (3, 2, "Week 44, 2024", "Week 46, 2024")
    assert t.rows == (("Week 44, 2024", 2), ("Week 45, 2024", 0), ("Week 46, 2024", 1))
    assert t.summary == "3 releases from Week 44, 2024 to Week 46, 2024; most in Week 44, 2024 (2)."


def test_heights_are_proportional_and_the_tallest_bar_is_full_height(tmp_path):
    days = [D(2024, 1, 1)] * 4 + [D(2024, 1, 8)] + [D(2024, 1, 15)] * 2
    t = timeline(entries(tmp_path, *days))
    full = t.baseline - t.top
    assert [b.height for b in t.bars] == [full, full / 4, full / 2]
    for bar in t.bars:
        assert bar.y + bar.height == t.baseline
        assert 0 <= bar.x and bar.x + bar.width <= t.width
    assert t.bars[0].y == t.top


def test_weeks_follow_iso_years_across_new_year(tmp_path):
    t = timeline(entries(tmp_path, D(2020, 12, 31), D(2021, 1, 4)))
    assert [b.label for b in t.bars] == ["Week 53, 2020", "Week 1, 2021"]


def test_long_spans_switch_to_months_quarters_and_years(tmp_path):
    assert timeline(entries(tmp_path, D(2024, 1, 1), D(2024, 12, 31))).period == "week"  # 53 weeks
    months = timeline(entries(tmp_path, D(2021, 1, 15), D(2021, 1, 20), D(2024, 10, 2)))
    assert months.period == "month" and len(months.bars) == 46
    assert (months.bars[0].label, months.bars[0].short, months.bars[-1].label) == ("January 2021", "Jan 2021", "October 2024")
    assert months.summary == "3 releases from January 2021 to October 2024; most in January 2021 (2)."
    quarters = timeline(entries(tmp_path, D(2014, 2, 1), D(2024, 11, 30)))
    assert quarters.period == "quarter" and quarters.first == "Q1 2014" and quarters.last == "Q4 2024"
    years = timeline(entries(tmp_path, D(2004, 3, 1), D(2024, 3, 1)))
    assert years.period == "year" and [b.label for b in years.bars] == [str(y) for y in range(2004, 2025)]


def test_bar_count_is_bounded_whatever_the_span(tmp_path):
    start = D(2000, 1, 3)
    for days in (0, 6, 7, 400, 420, 1900, 3000, 7300, 20000, 40000, 300000):
        t = timeline(entries(tmp_path, start, start + dt.timedelta(days=days)))
        assert 1 <= len(t.bars) <= MAX_BARS, days
        assert sum(b.count for b in t.bars) == 2 and t.bars[0].count and t.bars[-1].count
        assert 1 <= len(t.ticks) <= 4 and t.ticks[0].label == t.bars[0].short
        assert all(0 <= b.x and b.x + b.width <= t.width for b in t.bars)
    ends = [SimpleNamespace(document=SimpleNamespace(date=day)) for day in (D(1, 1, 1), D(9999, 12, 31))]
    centuries = timeline(ends)  # the model cannot label weeks of year 1; the timeline needs only dates
    assert len(centuries.bars) <= MAX_BARS and centuries.first.startswith("1–")


def test_ticks_run_from_the_first_bar_to_the_last(tmp_path):
    t = timeline(entries(tmp_path, D(2021, 1, 15), D(2024, 10, 2)))
    assert [tick.anchor for tick in t.ticks] == ["start", "middle", "middle", "end"]
    assert (t.ticks[0].label, t.ticks[-1].label) == ("Jan 2021", "Oct 2024")
    assert t.ticks[0].text_x == t.bars[0].x
    assert t.ticks[-1].text_x == pytest.approx(t.bars[-1].x + t.bars[-1].width, abs=0.1)


def test_summaries_of_ties_and_single_periods(tmp_path):
    one = timeline(entries(tmp_path, D(2024, 10, 30)))
    assert one.summary == "1 release in Week 44, 2024." and len(one.bars) == 1 and len(one.ticks) == 1
    tie = timeline(entries(tmp_path, D(2024, 10, 28), D(2024, 11, 11)))
    assert tie.summary == "2 releases from Week 44, 2024 to Week 46, 2024; most in Week 44, 2024 and Week 46, 2024 (1 each)."
    many = timeline(entries(tmp_path, *(D(2024, 1, 1) + dt.timedelta(weeks=2 * i) for i in range(5))))
    assert many.summary == "5 releases from Week 1, 2024 to Week 9, 2024; at most 1 per week, in 5 weeks."


def test_no_releases():
    t = timeline(())
    assert (t.bars, t.total, t.most, t.ticks, t.rows, t.summary) == ((), 0, 0, (), (), "No releases.")


def test_topic_page_draws_the_chart_with_a_text_alternative(tmp_path):
    days = [D(2024, 9, 2), D(2024, 9, 3), D(2024, 9, 4), D(2024, 9, 20), D(2024, 10, 30)]
    documents = [doc(f"2024-r{i}", day) for i, day in enumerate(days)] + [doc("other", D(2024, 9, 4), ("sanctions",))]
    cfg = Config(site_dir=tmp_path, title="T", base_url="https://example.org/",
                 taxonomy=(Topic("middle-east", "Middle East"), Topic("sanctions", "Sanctions")))
    pages = {p.path: p.content.decode() for p in render_site(build_site(documents, cfg), cfg, resolve_theme(cfg))}
    page = pages["topics/middle-east/index.html"]
    svg = re.search(r"<svg [^>]*>.*?</svg>", page, re.S)[0]
    assert 'role="img"' in svg and 'aria-labelledby="timeline-title timeline-desc"' in svg
    assert '<title id="timeline-title">Releases per week</title>' in svg
    assert '<desc id="timeline-desc">5 releases from Week 36, 2024 to Week 44, 2024; most in Week 36, 2024 (3).</desc>' in svg
    assert svg.count('class="bar"') == 3  # weeks without releases draw no bar
    table = re.search(r"<table>.*?</table>", page, re.S)[0]
    assert '<th scope="col">Week</th>' in table and "<caption>" in table
    counts = [int(n) for n in re.findall(r"<td>Week \d+, 2024</td><td>(\d+)</td>", table)]
    assert len(counts) == 9 and sum(counts) == 5
    assert '<desc id="timeline-desc">1 release in Week 36, 2024.</desc>' in pages["topics/sanctions/index.html"]


def test_an_entity_page_draws_its_chart_only_when_its_releases_span_more_than_one_week(tmp_path):
    from dataclasses import replace

    from generator.records import Person
    often, once = (Person("Jane Roe", "Spokesperson"),), (Person("John Doe", "Ambassador"),)
    documents = [replace(doc("a", D(2024, 9, 2)), people=often + once), replace(doc("b", D(2024, 9, 3)), people=once),
                 replace(doc("c", D(2024, 9, 20)), people=often)]
    cfg = Config(site_dir=tmp_path, title="T", base_url="https://example.org/", taxonomy=(Topic("middle-east", "Middle East"),))
    pages = {p.path: p.content.decode() for p in render_site(build_site(documents, cfg), cfg, resolve_theme(cfg))}
    jane, john = pages["people/jane-roe/index.html"], pages["people/john-doe/index.html"]
    assert '<desc id="mentions-desc">2 releases from Week 36, 2024 to Week 38, 2024' in jane
    assert "Named in 2 releases in 2 weeks" in jane
    assert "<svg" not in john and "timeline-chart" not in john  # one week, one bar: nothing the meta line does not say
    assert "Named in 2 releases in 1 week" in john
