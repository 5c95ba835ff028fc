#!/usr/bin/env python3
"""Synthetic news releases in the wire shape, for benchmarks.

usage: python bench/synth.py N DIR [--seed S]

Writes N releases `YYYY-MM-DD-synth-<i>.txt` into DIR (created if needed):

    MM/DD/YYYY | News release | Distributed by Public on MM/DD/YYYY HH:MM
    [byline such as "Office of the Spokesperson" or "Jane Roe, Deputy Press Secretary"]
    paragraph
    ...
    [###]

Releases are made up from word lists (person names are built from syllables; nothing is copied
from real releases): 2-30 paragraphs (median about 6, 1-6 KB), dates from 2019 to 2026 with a
weekday rhythm, the twelve topics of the default taxonomy (each written with that topic's
keywords, so the annotator files it there), people with roles, countries, organisations,
quotes with their speakers, figures and money. Paragraphs come one per line or, in about a
third of the releases, as blank-line separated blocks of wrapped lines.

Each release i is made by its own generator seeded from (seed, i), so the same seed gives
byte-identical files, and the first 1,000 releases of a 100,000 run are the 1,000 releases of a
1,000 run. Importable: generate(n, folder, seed=0) -> list[Path].
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import time
from pathlib import Path

# ----------------------------------------------------------------------------- word lists

FIRST = ("Jane Alan Maria David Susan Omar Leila Peter Grace Daniel Nadia Thomas Elena Marcus Ruth "
         "Samuel Irene Victor Clara Hassan Julia Martin Aisha Robert Helen Tomas Ingrid Felix Amara "
         "Paul Lydia George Mei Rafael Sofia Henry Yusuf Alice Diego Nora Kevin Priya Walter Hana "
         "Carlos Esther Simon Miriam Andre Joan Lucas Beatrice Oscar Teresa Arthur Vera Jonas Celia").split()
INITIALS = "ABCDEFGHJKLMNPRSTW"
ONSET = "Bar Cal Dor El Fen Gar Hal Iv Jor Kel Lan Mar Nor Or Pel Quin Ros Sal Tor Val Wen Yar Zel Brem Cor Dal Hart Lind Mor Stan".split()
MIDDLE = ["a", "e", "i", "o", "an", "en", "el", "ar", "or", "", "", ""]
CODA = "ton son ley ridge mont wick ford man ez ski ova elli berg stead ard ino well by more field".split()

US_ROLES = [
    "Secretary of State", "Secretary of Defense", "Secretary of the Treasury", "Attorney General",
    "Deputy Secretary of State", "Deputy Secretary of Defense", "National Security Advisor",
    "Press Secretary", "Deputy Press Secretary", "Department Spokesperson", "Pentagon Press Secretary",
    "Under Secretary of the Treasury for Terrorism and Financial Intelligence",
    "Assistant Attorney General", "Deputy Assistant Secretary of State", "Special Envoy",
    "Administrator", "U.S. Trade Representative", "Secretary of Energy", "Secretary of Homeland Security",
]
BYLINE_ROLES = ["Department Spokesperson", "Deputy Press Secretary", "Secretary of State",
                "Press Secretary", "Deputy Department Spokesperson"]
FOREIGN_ROLES = ["Foreign Minister", "Minister of Defense", "Prime Minister", "President",
                 "Minister of Finance", "National Security Adviser"]
US_ORGS = [
    "the Department of State", "the Department of Defense", "the Department of the Treasury",
    "the Department of Justice", "the Federal Bureau of Investigation", "the Department of Energy",
    "the Department of Homeland Security", "the U.S. Agency for International Development",
    "the Office of Foreign Assets Control", "the National Security Council", "the Pentagon",
    "the Environmental Protection Agency", "the Small Business Administration", "Congress",
]
INTL_ORGS = [
    "the United Nations", "the World Health Organization", "the World Food Programme",
    "the International Monetary Fund", "the World Bank", "the International Atomic Energy Agency",
    "the UN Security Council", "the International Committee of the Red Cross", "the G7",
]
FIRM_KINDS = ["Holdings", "Trading Co.", "Logistics LLC", "Shipping Ltd.", "Industries", "Group",
              "Technologies Inc.", "Maritime Services"]
THINK = ["Institute for Security Studies", "Center for Policy Research", "Foundation", "Council"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

# Per topic: countries (as written in text), adjectives, places, and sentences written with the
# topic's taxonomy keywords. Slots: {c} country, {a} adjective, {p} place, {n} small number,
# {N} large number, {m} money, {o} organisation, {firm} company, {d} date phrase.
TOPICS: dict[str, dict[str, list[str]]] = {
    "middle-east": {
        "c": ["Israel", "Iran", "Iraq", "Syria", "Lebanon", "Jordan", "Yemen", "Saudi Arabia", "Qatar",
              "Bahrain", "Kuwait", "Oman", "Egypt", "the United Arab Emirates"],
        "a": ["Israeli", "Iranian", "Iraqi", "Syrian", "Lebanese", "Jordanian", "Yemeni", "Saudi", "Qatari", "Egyptian"],
        "p": ["Jerusalem", "Baghdad", "Beirut", "Amman", "Riyadh", "Doha", "Cairo", "Gaza"],
        "s": [
            "The United States remains committed to the security of Israel and to a durable end to the conflict in Gaza.",
            "Officials discussed efforts to secure the release of all hostages held by Hamas and to increase humanitarian access in Gaza.",
            "Houthi attacks on commercial shipping in the Red Sea threaten freedom of navigation and the global economy.",
            "The talks in {p} focused on de-escalation along the border between Israel and Lebanon and the threat posed by Hizballah.",
            "{a} officials briefed the delegation on security in the West Bank and the needs of Palestinian civilians.",
            "Iran's support for proxy groups across the Middle East continues to destabilize the region.",
            "The two sides reviewed cooperation with {c} on maritime security in the Gulf and the Red Sea.",
            "On {d}, {a} forces intercepted about {n} ballistic missiles and drones launched toward {p}.",
        ],
    },
    "russia-ukraine": {
        "c": ["Ukraine", "Russia", "Belarus"],
        "a": ["Ukrainian", "Russian", "Belarusian"],
        "p": ["Kyiv", "Kharkiv", "Odesa", "Moscow", "Minsk", "Crimea", "Zaporizhzhia"],
        "s": [
            "Russia's full-scale war against Ukraine has killed thousands of civilians and destroyed critical infrastructure across the country.",
            "The Kremlin continues to launch missile and drone strikes against Ukrainian cities, including {p}.",
            "The United States will continue to support Ukraine's defense of its sovereignty and territorial integrity.",
            "The package includes air defense interceptors, artillery rounds and {n} armored vehicles for Ukraine's armed forces.",
            "Officials discussed Russia's illegal occupation of Crimea and parts of the Donbas.",
            "Belarus has allowed Russia to use its territory to stage attacks on Ukraine.",
            "The meeting in Kyiv focused on energy security and the repair of Ukraine's power grid before winter.",
        ],
    },
    "indo-pacific": {
        "c": ["China", "Taiwan", "Japan", "the Republic of Korea", "the Philippines", "Vietnam", "Indonesia",
              "Thailand", "India", "Pakistan", "Australia", "New Zealand", "Singapore", "Malaysia", "Mongolia",
              "Bangladesh", "Sri Lanka", "Nepal"],
        "a": ["Chinese", "Japanese", "Korean", "Philippine", "Vietnamese", "Indonesian", "Australian", "Indian",
              "Thai", "Malaysian"],
        "p": ["Tokyo", "Seoul", "Manila", "Hanoi", "Jakarta", "Canberra", "New Delhi", "Beijing", "Singapore"],
        "s": [
            "The United States and its partners share a vision of a free and open Indo-Pacific.",
            "Officials discussed the PRC's coercive activities in the South China Sea and peace and stability across the Taiwan Strait.",
            "The ministers condemned the DPRK's ballistic missile launches, which violate multiple UN Security Council resolutions.",
            "The two sides agreed to deepen cooperation with ASEAN and Pacific Island countries on maritime security.",
            "Leaders of the Quad reaffirmed their commitment to a region where {c} and its neighbors can prosper.",
            "The talks in {p} covered trade, supply chains and regional security with {a} counterparts.",
            "The alliance with Japan and the Republic of Korea remains the cornerstone of peace in Northeast Asia.",
        ],
    },
    "europe-nato": {
        "c": ["Germany", "France", "the United Kingdom", "Poland", "Italy", "Spain", "Greece", "Türkiye",
              "Sweden", "Finland", "Norway", "Denmark", "the Netherlands", "Belgium", "Romania", "Moldova",
              "Serbia", "Kosovo", "Armenia", "Azerbaijan", "Cyprus", "Hungary"],
        "a": ["German", "French", "British", "Polish", "Romanian", "Baltic", "Nordic", "European"],
        "p": ["Brussels", "Berlin", "Paris", "London", "Warsaw", "Vilnius", "Bucharest", "Helsinki"],
        "s": [
            "NATO Allies reaffirmed their commitment to collective defense and to the transatlantic relationship.",
            "The United States and the European Union agreed to coordinate closely on energy security and trade.",
            "Officials met in {p} to discuss security in the Baltic region and support for Moldova.",
            "The ministers welcomed progress in the dialogue between Serbia and Kosovo facilitated by the EU.",
            "Allies agreed to strengthen NATO's eastern flank and to meet the goal of spending two percent of GDP on defense.",
            "The OSCE plays a vital role in European security, and {c} has been a steadfast partner.",
            "The peace process between Armenia and Azerbaijan was also discussed with {a} counterparts.",
        ],
    },
    "americas": {
        "c": ["Canada", "Mexico", "Haiti", "Venezuela", "Cuba", "Colombia", "Brazil", "Argentina", "Chile",
              "Peru", "Ecuador", "Guatemala", "Honduras", "El Salvador", "Panama", "Costa Rica",
              "the Dominican Republic"],
        "a": ["Canadian", "Mexican", "Haitian", "Venezuelan", "Colombian", "Brazilian", "Guatemalan", "Peruvian"],
        "p": ["Ottawa", "Mexico City", "Port-au-Prince", "Bogotá", "Brasília", "Lima", "Panama City"],
        "s": [
            "The United States is committed to a secure, middle-class and democratic Western Hemisphere.",
            "Officials discussed irregular migration through Central America and Mexico and the root causes that drive it.",
            "The Multinational Security Support mission continues to help the Haitian National Police restore security in Haiti.",
            "The United States calls on Venezuela to hold competitive and inclusive elections.",
            "Leaders from across Latin America and the Caribbean met at the OAS in {p}.",
            "The partnership with Canada and Mexico strengthens North American supply chains.",
            "{a} and U.S. officials agreed to expand cooperation on security in South America.",
        ],
    },
    "africa": {
        "c": ["Sudan", "South Sudan", "Ethiopia", "Somalia", "Kenya", "Nigeria", "Libya",
              "the Democratic Republic of the Congo", "Mali", "Niger", "Mozambique", "Ghana", "Senegal",
              "Tanzania", "Uganda", "Rwanda", "Zimbabwe", "Angola", "Cameroon", "Morocco", "Tunisia"],
        "a": ["Sudanese", "Ethiopian", "Somali", "Kenyan", "Nigerian", "African", "Ghanaian", "Angolan"],
        "p": ["Nairobi", "Addis Ababa", "Khartoum", "Abuja", "Dakar", "Accra", "Mogadishu", "Kinshasa"],
        "s": [
            "The United States supports African-led efforts, including those of the African Union, to resolve conflicts on the continent.",
            "The war in Sudan has displaced millions of people and pushed parts of the country toward famine.",
            "Officials discussed the security situation in the Sahel and in eastern Congo.",
            "The delegation met in {p} with {a} leaders to discuss trade and investment across Africa.",
            "The United States welcomes the cessation of hostilities in Ethiopia and continued progress in Tigray.",
            "Al-Shabaab remains a threat to the people of Somalia and the wider region.",
        ],
    },
    "sanctions-security": {
        "c": ["Iran", "Russia", "the DPRK", "Venezuela", "Syria", "Burma"],
        "a": ["Iranian", "Russian", "North Korean", "Venezuelan"],
        "p": ["Dubai", "Hong Kong", "Istanbul", "Moscow", "Tehran"],
        "s": [
            "Today, the Department of the Treasury's Office of Foreign Assets Control (OFAC) imposed sanctions on {n} individuals and {n2} entities.",
            "The sanctioned network, including {firm}, helped procure components for weapons programs through front companies in {p}.",
            "All property and interests in property of the designated persons that are in the United States are blocked.",
            "The Department of State is also designating {firm} pursuant to counterterrorism authorities.",
            "The Rewards for Justice program is offering a reward of up to {m} for information on the network's illicit financing.",
            "The action targets money laundering, fentanyl trafficking and material support for terrorism.",
            "Export controls and nonproliferation tools will continue to deny weapons of mass destruction programs the technology they seek.",
            "The FBI warned that ransomware actors and other cyber threats target hospitals and critical infrastructure.",
            "The Department is also imposing visa restrictions on {n} officials under its arms control and nonproliferation authorities.",
        ],
    },
    "budget-acquisition": {
        "c": ["Ukraine", "Israel", "Taiwan", "Poland"],
        "a": ["allied", "partner"],
        "p": ["Arlington", "Huntsville", "San Diego", "Norfolk"],
        "s": [
            "The President's budget request includes {m} for the Department of Defense.",
            "The contract, valued at {m}, covers the procurement of {N} artillery rounds and other munitions.",
            "This drawdown under Presidential Drawdown Authority is valued at up to {m}.",
            "The supplemental appropriations bill provides {m} in security assistance and Foreign Military Financing.",
            "The investments strengthen the defense industrial base and speed up acquisition of critical capabilities.",
            "{firm} agreed to pay {m} to resolve allegations under the False Claims Act, the settlement said.",
            "Funding for the program rose to {m} this fiscal year, about {pct} percent above last year's spending.",
        ],
    },
    "personnel": {
        "c": ["Japan", "Germany", "Kenya", "Brazil", "Indonesia", "Chile"],
        "a": ["new", "senior"],
        "p": ["Washington", "Fort Liberty", "Norfolk"],
        "s": [
            "The President announced his intent to nominate {person} to serve as Ambassador to {c}.",
            "{person} was sworn in on {d} and will lead the Department's workforce of about {N} federal employees.",
            "The Senate confirmed {person}, who previously served as {role}.",
            "The delegation will be led by {person} and will include senior officials from {o}.",
            "The Department will appoint {n} new officers to strengthen readiness and support service members and their families.",
            "The program has helped {N} veterans find jobs since it began.",
            "{person} announced plans to resign at the end of the month after {n} years in public service.",
        ],
    },
    "humanitarian": {
        "c": ["Sudan", "Haiti", "Afghanistan", "Yemen", "Türkiye", "Bangladesh", "Somalia", "Ukraine"],
        "a": ["displaced", "affected"],
        "p": ["Port Sudan", "Cox's Bazar", "Gaziantep", "Aden"],
        "s": [
            "The United States is providing nearly {m} in additional humanitarian assistance for refugees and displaced people.",
            "The funding, delivered through USAID and the World Food Programme, will provide life-saving food and medical care.",
            "The earthquake and the floods that followed left more than {N} people in need of relief.",
            "Aid agencies warned that famine and malnutrition are spreading as food insecurity worsens.",
            "The assistance will also support the response to COVID-19 and strengthen global health security.",
            "The United States has donated {N} vaccine doses to countries hit by the pandemic.",
            "Relief workers in {p} are distributing food, water and shelter to families displaced by the disaster.",
        ],
    },
    "climate-energy": {
        "c": ["India", "Brazil", "Germany", "Indonesia", "South Africa", "Canada"],
        "a": ["clean", "renewable"],
        "p": ["Glasgow", "Dubai", "Baku", "Houston"],
        "s": [
            "The agreement will cut methane emissions and accelerate the transition to clean energy.",
            "The EPA finalized standards under the Clean Air Act to reduce carbon pollution from power plants.",
            "The projects will add {N} megawatts of solar and other renewable electricity to the grid.",
            "Tax credits for electric vehicles and batteries will lower energy costs for families.",
            "Officials from {c} discussed climate finance and environmental protection at the talks in {p}.",
            "The Department of Energy announced {m} to modernize the electricity grid and expand clean energy manufacturing.",
        ],
    },
    "domestic": {
        "c": ["the United States"],
        "a": ["American"],
        "p": ["Ohio", "Michigan", "Arizona", "Texas", "Georgia", "Pennsylvania", "Chicago", "Atlanta"],
        "s": [
            "The defendant pleaded guilty to wire fraud and faces up to {n} years in prison when sentenced.",
            "A federal grand jury in {p} indicted {n} people on charges of health care fraud involving Medicare and Medicaid.",
            "The law invests {m} in infrastructure, broadband and housing, creating good-paying jobs for American workers.",
            "The economy added {N} jobs last month as small businesses and manufacturing continued to grow.",
            "The Department is working with law enforcement partners to fight the opioid epidemic and gun violence.",
            "The court ordered the company to restore the civil rights of the affected workers.",
            "New tax credits will help families with child care and lower health care costs.",
            "The semiconductor plant in {p} is expected to create {N} jobs.",
        ],
    },
}
SLUGS = list(TOPICS)

QUOTES = [
    "We will continue to stand with our partners in {c} as they face these challenges",
    "This action sends a clear message that those who threaten our security will be held accountable",
    "Today's announcement reflects our commitment to the people of {c}",
    "The United States will not hesitate to use every tool at our disposal",
    "These investments will make a real difference for families and communities",
    "Our partnership has never been stronger, and we intend to build on it",
    "We remain deeply concerned by the situation and call for restraint from all sides",
    "No one is above the law, and we will pursue these cases wherever they lead",
    "This is a historic step forward, and it would not have been possible without our allies",
    "We are working around the clock to deliver assistance to those who need it most",
]
GENERIC = [
    "{role} {person} met with {frole} {fperson} of {c} on {d} in {p}.",
    "{person}, {role}, spoke with {a} counterparts about the next steps.",
    "The meeting was attended by representatives of {o} and {o2}.",
    "The statement was issued jointly with {o}.",
    "The two sides agreed to meet again in {p} before the end of {month}.",
    "Further information is available from {o}.",
    "{role} {person} said the United States would continue to work closely with {c} and other partners.",
    "According to {o}, more than {N} people have been affected since {month}.",
    "The program, which began in {year}, has received {m} to date.",
]


# ----------------------------------------------------------------------------- one release

class Maker:
    """Everything random about one release, drawn from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        r = rng.random
        self.r = r
        self.cast: list[tuple[str, str]] = []
        self.decks: dict[int, list[str]] = {}

    def draw(self, seq: list[str]) -> str:
        """Next of seq in a shuffled order: no sentence repeats until all were used."""
        deck = self.decks.get(id(seq))
        if not deck:
            deck = self.decks[id(seq)] = list(seq)
            self.rng.shuffle(deck)
        return deck.pop()

    def pick(self, seq):
        return seq[int(self.r() * len(seq))]

    def name(self) -> str:
        pick = self.pick
        last = pick(ONSET) + pick(MIDDLE) + pick(CODA)
        if self.r() < 0.25:
            return f"{pick(FIRST)} {pick(INITIALS)}. {last}"
        return f"{pick(FIRST)} {last}"

    def person(self) -> tuple[str, str]:
        """A person of this release's cast: new ones early, recurring ones later."""
        if self.cast and (len(self.cast) >= 4 or self.r() < 0.5):
            return self.pick(self.cast)
        who = (self.name(), self.pick(US_ROLES))
        self.cast.append(who)
        return who

    def money(self) -> str:
        r = self.r()
        if r < 0.45:
            return f"${int(self.r() * 9) + 1}.{int(self.r() * 10)} billion"
        if r < 0.9:
            return f"${int(self.r() * 950) + 5} million"
        return f"${int(self.r() * 900) + 100},000"

    def date_phrase(self, when: dt.date) -> str:
        r = self.r()
        if r < 0.4:
            return self.pick(WEEKDAYS)
        if r < 0.8:
            back = when - dt.timedelta(days=int(self.r() * 20) + 1)
            return f"{MONTHS[back.month - 1]} {back.day}"
        return f"{MONTHS[when.month - 1]} {when.day}, {when.year}"

    def fill(self, template: str, topic: dict[str, list[str]], when: dt.date) -> str:
        if "{" not in template:
            return template
        pick, r = self.pick, self.r
        values: dict[str, str] = {}
        if "{person}" in template or "{role}" in template:
            values["person"], values["role"] = self.person()
        if "{fperson}" in template:
            values["fperson"], values["frole"] = self.name(), pick(FOREIGN_ROLES)
        for key in ("c", "a", "p"):
            if "{" + key + "}" in template:
                values[key] = pick(topic[key])
        if "{o}" in template:
            values["o"] = pick(US_ORGS) if r() < 0.6 else pick(INTL_ORGS)
        if "{o2}" in template:
            values["o2"] = pick(INTL_ORGS)
        if "{firm}" in template:
            values["firm"] = pick(ONSET) + pick(CODA) + " " + pick(FIRM_KINDS) if r() < 0.7 else \
                "the " + pick(topic["p"]) + " " + pick(THINK)
        if "{n}" in template:
            values["n"] = str(int(r() * 40) + 2)
        if "{n2}" in template:
            values["n2"] = str(int(r() * 12) + 1)
        if "{N}" in template:
            values["N"] = f"{int(r() * 990 + 10) * 1000 if r() < 0.5 else int(r() * 9000 + 200):,}"
        if "{m}" in template:
            values["m"] = self.money()
        if "{pct}" in template:
            values["pct"] = str(int(r() * 30) + 2)
        if "{d}" in template:
            values["d"] = self.date_phrase(when)
        if "{month}" in template:
            values["month"] = pick(MONTHS)
        if "{year}" in template:
            values["year"] = str(when.year - 1 - int(r() * 6))
        return template.format(**values)

    def quote(self, topic: dict[str, list[str]], when: dt.date) -> str:
        person, role = self.person()
        text = self.fill(self.draw(QUOTES), topic, when)
        if self.r() < 0.3:
            text += ", and we will keep working with " + self.pick(INTL_ORGS) + " to get there"
        o, c = ("“", "”") if self.r() < 0.7 else ('"', '"')
        form = self.r()
        if form < 0.4:
            return f"{o}{text},{c} said {role} {person}."
        if form < 0.7:
            return f"{o}{text},{c} {person}, {role}, said in a statement."
        return f"{role} {person} said: {o}{text}.{c}"

    def sentence(self, topics: list[str], when: dt.date) -> str:
        x = self.r()
        main = TOPICS[topics[0]]
        if x < 0.55:
            return self.fill(self.draw(main["s"]), main, when)
        if x < 0.72 and len(topics) > 1:
            other = TOPICS[self.pick(topics[1:])]
            return self.fill(self.draw(other["s"]), other, when)
        if x < 0.85:
            return self.quote(main, when)
        return self.fill(self.draw(GENERIC), main, when)

    def release(self, when: dt.date) -> str:
        r, pick = self.r, self.pick
        topics = [pick(SLUGS)]
        for _ in range(int(r() * 3)):
            extra = pick(SLUGS)
            if extra not in topics:
                topics.append(extra)
        count = min(30, max(2, round(math.exp(1.79 + 0.55 * self.rng.gauss(0.0, 1.0)))))  # median ~6
        paragraphs = []
        for i in range(count):
            k = 2 + int(r() * 2) if i == 0 else 1 + int(r() * 3.8)
            sentences = [self.sentence(topics, when) for _ in range(k)]
            if i == 0:  # the lead is about the main topic
                main = TOPICS[topics[0]]
                sentences[0] = self.fill(self.draw(main["s"]), main, when)
            paragraphs.append(" ".join(sentences))
        if r() < 0.3:
            paragraphs[0] = pick(("WASHINGTON – ", "WASHINGTON — ", "WASHINGTON, D.C. – ")) + paragraphs[0]
        hour, minute = 8 + int(r() * 14), int(r() * 60)
        stamp = when.strftime("%m/%d/%Y")
        lines = [f"{stamp} | News release | Distributed by Public on {stamp} {hour:02d}:{minute:02d}"]
        byline = r()
        if byline < 0.15:
            lines.append("Office of the Spokesperson")
        elif byline < 0.35:
            lines.append(f"{self.name()}, {pick(BYLINE_ROLES)}")
        if r() < 0.33:  # blank-line separated blocks of wrapped lines
            if len(lines) > 1:
                lines.append("")
            for paragraph in paragraphs:
                lines.extend(wrap(paragraph, 72 + int(r() * 8)))
                lines.append("")
            lines.pop()
        else:
            lines.extend(paragraphs)
        if r() < 0.3:
            lines.append("###")
            if r() < 0.2:
                lines.append("For further information, please contact the Office of Press Relations.")
        return "\n".join(lines) + "\n"


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap (textwrap is much slower, and nothing here needs its subtleties)."""
    out: list[str] = []
    line: list[str] = []
    size = 0
    for word in text.split(" "):
        if line and size + 1 + len(word) > width:
            out.append(" ".join(line))
            line, size = [word], len(word)
        else:
            size += len(word) + (1 if line else 0)
            line.append(word)
    if line:
        out.append(" ".join(line))
    return out


FIRST_DAY = dt.date(2019, 1, 1)
DAYS = (dt.date(2026, 12, 31) - FIRST_DAY).days + 1


def release_date(rng: random.Random) -> dt.date:
    """Uniform over 2019-2026, with a weekly rhythm: weekends are about five times rarer."""
    while True:
        day = FIRST_DAY + dt.timedelta(days=int(rng.random() * DAYS))
        if day.weekday() < 5 or rng.random() < 0.2:
            return day


def make_release(seed: int, i: int) -> tuple[str, str]:
    """(file name, text) of release i of the given seed."""
    rng = random.Random(f"briefing-synth:{seed}:{i}")
    when = release_date(rng)
    text = Maker(rng).release(when)
    return f"{when.isoformat()}-synth-{i}.txt", text


def generate(n: int, folder, seed: int = 0) -> list[Path]:
    """Write n synthetic releases into folder; returns their paths in order of i."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        name, text = make_release(seed, i)
        path = folder / name
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write N synthetic wire-shape releases into DIR.")
    parser.add_argument("n", type=int, metavar="N")
    parser.add_argument("dir", type=Path, metavar="DIR")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be 0 or more")
    started = time.perf_counter()
    paths = generate(args.n, args.dir, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} releases ({size / 1e6:.1f} MB) to {args.dir} in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
