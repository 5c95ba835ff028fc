"""Summary: the opening one or two sentences of the release's first substantive paragraph."""
from __future__ import annotations

import re

from generator.annotate.text import sentences
from generator.records import Release

LABEL = re.compile(r"^(?:[A-Z][A-Z .’'\-]{2,40}:\s+|WASHINGTON\s*[–—-]+\s*|[A-Z][A-Za-z.]+(?:,\s*[A-Z][A-Za-z.]+)?\s+[–—]\s+)")
MAX_CHARS = 320


def summary(release: Release) -> str:
    for paragraph in release.paragraphs:
        text = LABEL.sub("", paragraph.strip())
        if len(text.split()) < 8 or text.endswith(":") or text.startswith(("Dear ", "The Honorable")):
            continue
        parts = sentences(text)
        out = parts[0]
        if len(out) < 120 and len(parts) > 1 and len(out) + len(parts[1]) < MAX_CHARS:
            out += " " + parts[1]
        if len(out) > MAX_CHARS + 200:
            out = out[:MAX_CHARS].rsplit(" ", 1)[0] + "…"
        return out
    return release.paragraphs[0][:MAX_CHARS]
