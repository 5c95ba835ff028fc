"""The week at a glance: counts, change on the week before, busiest days, top stories, quotes."""
from __future__ import annotations

import datetime as dt

from generator.config import parse_config
from generator.digest import glance, story_score
from generator.model import build_site
from generator.records import Document, Figure, Person, Quote, iso_week, pack


def doc(slug: str, day: dt.date, topics: tuple[str, ...], quotes=(), people=(), figures=()) -> Document:
    return Document(
        path=f"{day.year}/{slug}.md", slug=slug, source_file=f"{slug}.txt", source_sha256="0" * 64,
        title=slug.title(), title_source="derived", date=day,
        distributed_at=dt.datetime.combine(day, dt.time(12), dt.timezone.utc), kind="News release",
        distributor="Public", issuer="The White House", week=iso_week(day), topics=topics, summary="S.",
        people=tuple(people), countries=("US",), orgs=(), quotes=tuple(quotes), figures=tuple(figures),
        packed_body=pack("Text.\n"), digest=slug)


def test_glance_of_a_week(tmp_path):
    config = parse_config("title: T\n", tmp_path)
    monday = dt.date(2024, 10, 28)
    documents = [
        doc("a", monday, ("middle-east",), quotes=[Quote("We will act now and always.", "Ann Lee", 0)],
            people=[Person("Ann Lee", "Spokesperson", 0)], figures=[Figure(200, "", "missiles", "200 missiles")]),
        doc("b", monday, ("middle-east", "indo-pacific")),
        doc("c", monday + dt.timedelta(days=2), ("africa",)),
        doc("d", monday - dt.timedelta(days=7), ("middle-east",)),
    ]
    site = build_site(documents, config)
    week, before = site.weeks[0], site.weeks[1]
    g = glance(week, before)
    assert g.releases == 3
    counts = {t.slug: (t.count, t.change) for t in g.topics}
    assert counts == {"middle-east": (2, 1), "indo-pacific": (1, None), "africa": (1, None)}
    assert [d.count for d in g.days] == [2, 0, 1, 0, 0, 0, 0] and g.busiest == ("Monday",)
    assert g.days[0].height == 50 and g.days[2].height == 25
    assert g.top[0].slug == "a"  # a quote, a person and a figure outrank the others
    assert story_score(g.top[0]) > story_score(g.top[1])
    assert [(s.speaker, len(s.quotes)) for s in g.said] == [("Ann Lee", 1)]
    assert [n.text for n in g.numbers] == ["200 missiles"]
    assert [(m.name, m.count) for m in g.countries] == [("US", 3)]
