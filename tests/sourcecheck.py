"""Reading the fixtures against the booklets they cite (tests/test_content_sources.py).

Each record of fixtures/*.toml cites the document its file names (`source`) and every
document a [[mention]] adds. This module finds, for each record, the figures, years,
e-mail addresses, phone numbers and web addresses it asserts and whether the text of
those documents prints them; and, for each description field, the longest run of words
it shares with them.

A record carries its judgement calls in `decisions` (and a file, for all its records,
at its top): a list of texts, each "<what it covers>: <why>". A decision covers a field
named before its colon ("latitude, longitude: ...", "status ongoing: ...") and a value
it quotes anywhere ("2018: the year it joined ..."). They are read here from the TOML,
never loaded: they are notes for whoever maintains the fixtures, not content.
"""

import os
import re
import tomllib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from sources.loader import fixture_paths
from sources.records import read_records

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
# CI checks the repository out beside shared/; SEEDS_DIR points elsewhere (a worktree).
SEEDS = Path(os.environ.get("SEEDS_DIR") or Path(settings.BASE_DIR).parent / "shared" / "seeds")

# The fields FORMAT.md asks to be written in the portal's own words.
DESCRIPTION_FIELDS = {
    "practice": (
        "summary",
        "context",
        "how_it_works",
        "results",
        "beneficiaries",
        "funding",
        "transferability",
    ),
    "city": ("profile",),
    "organisation": ("description",),
    "network": ("description",),
    "benchmark": ("description",),
    "factor": ("statement", "rationale"),
    "contextual_factor": ("description",),
    "illustration": ("note",),
}
# Fields that are not assertions about the world: keys, references, notes, display order.
NOT_CHECKED = {"slug", "key", "code", "decisions", "quotations", "order", "published", "public"}

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'`]+", re.IGNORECASE)
# A number not glued to a letter, digit or dot before it: "2018", "4,800", "15 700",
# "47,4", "1.5". Codes such as "A3" or "COP26" are names, not figures.
NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[,.\u00a0 ]\d{3})+(?!\d)|\d+(?:[.,]\d+)?)")
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|„[^“”]*[“”]")


def canonical_number(text):
    """'4,800', '4 800' and '4800' are one figure; '47,4' and '47.4' another."""
    if re.fullmatch(r"\d{1,3}(?:[,.\u00a0 ]\d{3})+", text):
        return re.sub(r"\D", "", text)
    return text.replace(",", ".")


def numbers_in(text):
    return [match.group(1) for match in NUMBER.finditer(text)]


def canonical_url(url):
    url = url.replace("\\_", "_").rstrip(".,;:!?")
    url = re.sub(r"^https?://", "", url, flags=re.IGNORECASE)
    host, _, path = url.partition("/")
    return host.lower() + ("/" + path if path else "").rstrip("/")


def words(text):
    """Lower-case words, accents and punctuation dropped, for comparing runs of text."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)


@dataclass
class Document:
    key: str
    text: str
    emails: set = field(default_factory=set)
    urls: set = field(default_factory=set)
    numbers: set = field(default_factory=set)
    flat: str = ""  # whitespace collapsed, for phone numbers and addresses
    words: list = field(default_factory=list)
    trigrams: dict = field(default_factory=dict)

    @classmethod
    def read(cls, key, path):
        return cls.read_text(key, path.read_text(encoding="utf-8"))

    @classmethod
    def read_text(cls, key, raw):
        doc = cls(key, raw)
        doc.emails = set(EMAIL.findall(raw))
        doc.urls = {canonical_url(u) for u in URL.findall(raw)}
        doc.numbers = {canonical_number(n) for n in numbers_in(raw)}
        doc.flat = " ".join(raw.split())
        # For runs of words: link targets and HTML tags are not words of the text.
        prose = re.sub(r"\]\([^)]*\)|<[^>]+>", " ", raw)
        doc.words = words(prose)
        for i in range(len(doc.words) - 2):
            doc.trigrams.setdefault(tuple(doc.words[i : i + 3]), []).append(i)
        return doc

    def supports_url(self, url):
        """Printed, or the site of a printed address (an organisation's home page)."""
        wanted = canonical_url(url)
        return wanted in self.urls or ("/" not in wanted and wanted in self.hosts)

    @property
    def hosts(self):
        return {u.partition("/")[0] for u in self.urls}

    def longest_run(self, text):
        """The longest run of consecutive words `text` shares with this document."""
        mine, best = words(text), 0
        for i in range(len(mine) - 2):
            for j in self.trigrams.get(tuple(mine[i : i + 3]), ()):
                n = 3
                while (
                    i + n < len(mine)
                    and j + n < len(self.words)
                    and mine[i + n] == self.words[j + n]
                ):
                    n += 1
                best = max(best, n)
        return best


def read_documents():
    with open(FIXTURES / "00_sources.toml", "rb") as fh:
        sources = tomllib.load(fh)["source_document"]
    return {s["key"]: Document.read(s["key"], SEEDS / s["file"]) for s in sources}


@dataclass
class Entry:
    """A record of the fixtures, the documents it cites and the decisions it carries."""

    record: object
    documents: list
    decisions: list

    @property
    def label(self):
        return f"{self.record.path.name}: {self.record.kind} {self.record.key!r}"

    def __repr__(self):
        return f"<Entry {self.label}>"

    def covers(self, field_name, value=None):
        for decision in self.decisions:
            head = decision.partition(":")[0]
            if field_name in re.split(r"[\s,/]+", head):
                return True
            if value is not None and re.search(rf"(?<![\w.]){re.escape(value)}(?!\d)", decision):
                return True
        return False


def entries(documents):
    """Every cited record (and illustration) with the documents that cite it."""
    records, mentions, _retired = read_records(fixture_paths(FIXTURES))
    file_decisions = {}
    for path in fixture_paths(FIXTURES):
        with open(path, "rb") as fh:
            file_decisions[path] = tomllib.load(fh).get("decisions", [])
    cited_by = defaultdict(set)
    for mention in mentions:
        cited_by[mention.data["kind"], mention.data["slug"]].add(mention.source)
    found = []
    for record in records:
        if not (record.spec.cited or record.kind == "illustration"):
            continue
        keys = {record.source} | cited_by[record.kind, record.key]
        found.append(
            Entry(
                record,
                [documents[k] for k in sorted(keys)],
                [*record.data.get("decisions", []), *file_decisions[record.path]],
            )
        )
    return found


def asserted_values(record):
    """(field, kind of value, value) for every figure, address and number it states."""
    spec = record.spec
    skip = NOT_CHECKED | set(spec.fks) | set(spec.m2m)
    for name, value in record.data.items():
        if name in skip:
            continue
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            yield name, "number", str(value)
            continue
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if not isinstance(text, str):
                continue
            if name == "phone":
                yield name, "phone", text
                continue
            emails = EMAIL.findall(text)
            for email in emails:
                yield name, "email", email
            rest = EMAIL.sub(" ", text)
            for url in URL.findall(rest):
                yield name, "url", url
            for number in numbers_in(URL.sub(" ", rest)):
                yield name, "number", number


def unsupported(entry):
    """The values of a record that none of its documents prints and no decision covers."""
    problems = []
    for name, what, value in asserted_values(entry.record):
        if _printed(entry.documents, what, value) or entry.covers(name, value):
            continue
        problems.append(f"{entry.label}: {name} {what} {value!r}")
    return problems


def _printed(documents, what, value):
    for doc in documents:
        if what == "email" and value in doc.emails:
            return True
        if what == "url" and doc.supports_url(value):
            return True
        if what == "phone" and " ".join(value.split()) in doc.flat:
            return True
        if what == "number" and canonical_number(value) in doc.numbers:
            return True
    return False


def description_runs(entry):
    """(field, longest shared run) for each description field of the record."""
    quoted = set(entry.record.data.get("quotations", []))
    for name in DESCRIPTION_FIELDS.get(entry.record.kind, ()):
        text = entry.record.data.get(name)
        if not text:
            continue
        if name in quoted:
            # A quotation is shown in quotation marks with its source; the rest of the
            # field is still the portal's own words.
            text = QUOTED.sub(" quotation-left-out ", text)
        yield name, max(doc.longest_run(text) for doc in entry.documents)
