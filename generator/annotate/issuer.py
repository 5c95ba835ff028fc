"""The body that issued a release, inferred from its byline, signature and wording."""
from __future__ import annotations

import re

from generator.records import Release

WHITE_HOUSE = "The White House"
STATE = "U.S. Department of State"
TREASURY = "U.S. Department of the Treasury"
JUSTICE = "U.S. Department of Justice"
DEFENSE = "U.S. Department of Defense"

# (issuer, pattern, weight); the weights of every match add up, the opening text counts double.
SIGNALS: list[tuple[str, re.Pattern[str], float]] = [
    (STATE, re.compile(r"Office of the Spokesperson|Department Spokesperson|Secretary of State|"
                       r"Secretary Blinken|Secretary Pompeo|Secretary Rubio|State Department|Department of State|"
                       r"SECRETARY BLINKEN|Deputy Secretary Sherman|MR\. PRICE|MR\. MILLER|Ambassador-at-Large|"
                       r"Bureau of [A-Z]|Rewards for Justice|U\.S\. Embassy|Foreign Service"), 2.0),
    (WHITE_HOUSE, re.compile(r"JOSEPH R\. BIDEN,? JR\.|DONALD J\. TRUMP|BARACK OBAMA|THE WHITE HOUSE|"
                             r"President Biden|President Trump|President Obama|Biden-Harris|the President(?!\s+of)|"
                             r"Vice President Harris|White House|Press Secretary|National Security Advisor|"
                             r"National Security Council|By the authority vested in me|I am pleased|I hereby|"
                             r"First Lady|my Administration|The Administration|Fact Sheet|FACT SHEET"), 1.0),
    (WHITE_HOUSE, re.compile(r"President (?:Joseph R\. Biden|Donald J\. Trump|Joe Biden|Barack Obama|Biden|Trump|Obama)|"
                             r"Vice President (?:Kamala )?Harris|Presidential Delegation|Speaker of the House|"
                             r"President of the Senate|Sincerely|Dear Mr\. Speaker|National Security Presidential|"
                             r"intent to nominate|intent to appoint|Executive Order|Proclamation"), 2.5),
    (WHITE_HOUSE, re.compile(r"\b(?:I|my|me)\b"), 0.6),
    (WHITE_HOUSE, re.compile(r"\bmy Administration\b|\bI have directed\b|\bI am directing\b"), 3.0),
    (TREASURY, re.compile(r"Treasury|OFAC|Office of Foreign Assets Control|FinCEN|Secretary Yellen|"
                          r"Secretary Mnuchin|Secretary Bessent|Internal Revenue Service|Specially Designated Nationals"), 1.5),
    (JUSTICE, re.compile(r"Justice Department|Department of Justice|Attorney General|U\.S\. Attorney|"
                         r"pleaded guilty|sentenced|indict|FBI|Federal Bureau of Investigation|grand jury|"
                         r"Tax Division|Civil Rights Division|Criminal Division|Antitrust Division"), 1.5),
    (DEFENSE, re.compile(r"Pentagon|Secretary of Defense|Department of Defense|Defense Department|"
                         r"Secretary Austin|Secretary Hegseth|Press Secretary Sabrina Singh|Joint Chiefs|DOD\b|DoD\b"), 2.0),
]
# Who acts in the opening paragraph: "the U.S. Department of the Treasury ... announced".
OPENERS: list[tuple[str, re.Pattern[str], float]] = [
    (TREASURY, re.compile(r"Department of the Treasury|Treasury Department|Secretary of the Treasury|"
                          r"Treasury Secretary|Internal Revenue Service|\(IRS\)|\(OFAC\)"), 10.0),
    (JUSTICE, re.compile(r"Justice Department|Department of Justice|Assistant Attorney General"), 6.0),
    (WHITE_HOUSE, re.compile(r"intent to (?:nominate|appoint)|^(?:Today, )?(?:President|Vice President) [A-Z]|"
                             r"National Security Advisor|the White House convened"), 6.0),
]
# the department is the subject of the opening sentence: "WASHINGTON – Today, the U.S. Department of the Treasury ..."
SUBJECT = re.compile(r"^(?:[A-Z .,]+\s*[–—-]+\s*)?(?:Today,?\s+)?(?:the\s+)?(?:U\.S\.\s+)?(?P<dept>Department of the Treasury|"
                     r"Treasury Department|Treasury|Department of Justice|Justice Department|Department of State|"
                     r"State Department|Department of Defense|Defense Department|Pentagon)\b", re.IGNORECASE)
SUBJECT_ISSUER = {"treasury": TREASURY, "justice": JUSTICE, "state": STATE, "defense": DEFENSE, "pentagon": DEFENSE}
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
STATE_BYLINE = re.compile(r"Spokesperson|Secretary of State|Office of the|Ambassador|Assistant Secretary|Under Secretary")


def issuer(release: Release) -> str:
    if release.byline and STATE_BYLINE.search(release.byline):
        return STATE
    scores = {name: 0.0 for name, _, _ in SIGNALS}
    opening = QUOTED.sub(" ", " ".join(release.paragraphs[:1]) + " " + release.headline)
    rest = QUOTED.sub(" ", " ".join(release.paragraphs[1:]))
    for name, pattern, weight in SIGNALS:
        scores[name] += weight * min(6, 2 * len(pattern.findall(opening)) + len(pattern.findall(rest)))
    for name, pattern, weight in OPENERS:
        if pattern.search(opening):
            scores[name] += weight
    subject = SUBJECT.match(release.paragraphs[0])
    if subject:
        dept = subject.group("dept").lower()
        for word, name in SUBJECT_ISSUER.items():
            if word in dept:
                scores[name] += 20
                break
    tail = release.paragraphs[-1]
    if re.search(r"^(?:JOSEPH R\. BIDEN|DONALD J\. TRUMP|BARACK OBAMA|THE WHITE HOUSE)", tail):
        scores[WHITE_HOUSE] += 100
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else WHITE_HOUSE
