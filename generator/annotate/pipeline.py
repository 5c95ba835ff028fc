"""The annotator's modules, put together: one Annotation from one Release."""
from __future__ import annotations

from generator.annotate.countries import countries
from generator.annotate.dates import dates
from generator.annotate.figures import figures
from generator.annotate.issuer import issuer
from generator.annotate.orgs import orgs
from generator.annotate.people import people
from generator.annotate.places import places
from generator.annotate.quotes import quotes
from generator.annotate.summary import summary
from generator.annotate.title import title
from generator.annotate.topics import topics
from generator.records import Annotation, Release, Topic

def annotate(release: Release, taxonomy: tuple[Topic, ...]) -> Annotation:
    """Everything the annotator knows about one release."""
    body_issuer = issuer(release)
    persons = people(release)
    headline, source = title(release, body_issuer)
    return Annotation(
        title=headline,
        title_source=source,
        summary=summary(release),
        issuer=body_issuer,
        topics=topics(release, taxonomy),
        people=persons,
        countries=countries(release),
        orgs=orgs(release),
        quotes=quotes(release, persons),
        figures=figures(release),
        places=places(release),
        dates=dates(release),
    )
