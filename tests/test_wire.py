"""The wire-shape reader, through its string twin parse_release."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from generator.errors import ContentError
from generator.ingest.wire import decode, is_release_file, parse_release

UTC = ZoneInfo("UTC")
HEADER = "10/28/2024 | News release | Distributed by Public on 10/28/2024 14:55"


def parse(text: str, tz: ZoneInfo = UTC):
    return parse_release(text, "x.txt", "0" * 64, tz)


def test_header_fields_and_timezone_applied():
    release = parse(HEADER + "\nFirst paragraph.\nSecond paragraph.\n", ZoneInfo("America/New_York"))
    assert release.date == dt.date(2024, 10, 28)
    assert release.kind == "News release"
    assert release.distributor == "Public"
    assert release.distributed_at.isoformat() == "2024-10-28T14:55:00-04:00"
    assert release.paragraphs == ("First paragraph.", "Second paragraph.")


def test_blank_line_paragraphs_join_wrapped_lines():
    text = HEADER + "\n\nFirst line\nwrapped here.\n\nSecond\nparagraph.\n"
    assert parse(text).paragraphs == ("First line wrapped here.", "Second paragraph.")


def test_byline_dateline_and_boilerplate_are_taken_off():
    text = HEADER + "\nAntony J. Blinken, Secretary of State\nWashington, D.C.\nWe welcome the news.\nMore text.\n###\n"
    release = parse(text)
    assert release.byline == "Antony J. Blinken, Secretary of State"
    assert release.dateline == "Washington, D.C."
    assert release.paragraphs == ("We welcome the news.", "More text.")


def test_office_byline():
    release = parse(HEADER + "\nOffice of the Spokesperson\nThe United States condemns the attack.\n")
    assert release.byline == "Office of the Spokesperson"
    assert release.paragraphs == ("The United States condemns the attack.",)


def test_headline_line_is_recognised_but_letters_are_not():
    release = parse(HEADER + "\nTreasury Sanctions Network Financing Terrorism\nWASHINGTON - Today the Treasury acted.\n")
    assert release.headline == "Treasury Sanctions Network Financing Terrorism"
    letter = parse(HEADER + "\nDear Madam Speaker: (Dear Madam President:)\nI am writing to you.\n")
    assert letter.headline == ""
    assert letter.paragraphs[0].startswith("Dear Madam Speaker")


def test_crlf_and_bom():
    text = decode(("\ufeff" + HEADER + "\r\nOne.\r\nTwo.\r\n").encode("utf-8"), "x.txt")
    assert parse(text).paragraphs == ("One.", "Two.")


def test_cp1252_bytes_fall_back():
    assert decode("Caf\u00e9 \u2019quoted\u2019".encode("cp1252"), "x.txt") == "Caf\u00e9 \u2019quoted\u2019"


@pytest.mark.parametrize("text, line, message", [
    ("", 1, "empty file"),
    ("Hello world\nNo header here.\n", 1, "not a release header"),
    ("\n\n13/45/2024 | News release | Distributed by Public on 13/45/2024 14:55\nText.\n", 3, "impossible date '13/45/2024'"),
    (HEADER + "\n", 1, "has a header but no text"),
])
def test_bad_releases_name_file_and_line(text, line, message):
    with pytest.raises(ContentError) as info:
        parse(text)
    (problem,) = info.value.problems
    assert problem.file == "x.txt" and problem.line == line
    assert message in problem.message


def test_binary_content_is_refused():
    with pytest.raises(ContentError, match="binary content"):
        decode(b"10/28/2024 \x00\x01", "x.txt")


@pytest.mark.parametrize("name, expected", [
    ("2024-10-28-dod-1.txt", True), (".hidden.txt", False), ("a.txt~", False), (".a.txt.swp", False),
    (".DS_Store", False), ("4913", False), ("#a.txt#", False),
])
def test_editor_files_are_not_releases(tmp_path, name, expected):
    path = tmp_path / name
    path.write_text("x")
    assert is_release_file(path) is expected
