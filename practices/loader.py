"""Load the knowledge base from the TOML files in fixtures/ (format: fixtures/FORMAT.md).

Deliberately plain: every record is matched by its natural key (slug, code or key),
created if missing, updated if the fixture changed it, and left alone if a curator has
edited it in the admin since it was loaded (unless `overwrite=True`). Curator edits are
read from the edit history: the loader saves inside a revision whose comment is
LOADER_COMMENT, so a newer revision with another comment or with a user is a curator's.

All files are read and checked before anything is written, then written in one
transaction: a broken file loads nothing, and the error names the file, the record
and the field.
"""

import datetime
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from reversion.models import Version

from benchmarks.models import Benchmark, ContextualFactor, Factor, GuidedQuestion, Illustration
from cities.models import City, Contact, Country, Membership, Network, Organisation
from sources.models import Citation, SourceDocument

from .models import FundingSource, Practice, TargetGroup, Theme
from .search_documents import refresh_search_documents

LOADER_COMMENT = "Loaded from fixtures"

_email = EmailValidator()
_url = URLValidator()


class FixtureError(Exception):
    def __init__(self, path, message, *, kind=None, index=None, key=None, field=None):
        self.path, self.kind, self.index, self.key, self.field = path, kind, index, key, field
        where = [str(path)]
        if kind:
            label = f"{kind} #{index + 1}" if index is not None else kind
            if key:
                label += f" {key!r}"
            where.append(label)
        if field:
            where.append(f"field {field!r}")
        super().__init__(": ".join([*where, message]))


@dataclass
class Record:
    path: Path
    kind: str
    index: int
    data: dict
    source: str | None

    @property
    def key(self):
        spec = KINDS[self.kind]
        if self.kind == "membership":
            member = self.data.get("city") or self.data.get("organisation")
            return f"{self.data.get('network')}/{member}"
        if self.kind == "illustration":
            return f"{self.data.get('practice')}/{self.data.get('factor')}"
        return self.data.get(spec.key)

    def error(self, message, field=None):
        return FixtureError(
            self.path, message, kind=self.kind, index=self.index, key=self.key, field=field
        )


@dataclass
class Kind:
    model: type
    key: str
    text: tuple = ()  # plain string fields: fixture name -> model field (same name)
    required: tuple = ()
    ints: tuple = ()
    fks: dict = field(default_factory=dict)  # fixture field -> (kind, model field)
    m2m: dict = field(default_factory=dict)  # fixture field -> (kind, model attribute)
    cited: bool = False
    only_in: str | None = None  # file name that alone may define this kind


KINDS = {
    "country": Kind(
        Country,
        "code",
        text=("code", "name"),
        required=("code", "name"),
        only_in="00_vocabularies.toml",
    ),
    "theme": Kind(
        Theme,
        "slug",
        text=("slug", "name", "description"),
        required=("slug", "name"),
        only_in="00_vocabularies.toml",
    ),
    "target_group": Kind(
        TargetGroup,
        "slug",
        text=("slug", "name", "description"),
        required=("slug", "name"),
        only_in="00_vocabularies.toml",
    ),
    "funding_source": Kind(
        FundingSource,
        "slug",
        text=("slug", "name", "description"),
        required=("slug", "name"),
        only_in="00_vocabularies.toml",
    ),
    "source_document": Kind(
        SourceDocument,
        "key",
        text=("key", "title", "publisher", "date_text", "place", "kind", "url", "file"),
        required=("key", "title"),
        only_in="00_sources.toml",
    ),
    "city": Kind(
        City,
        "slug",
        text=("slug", "name", "region", "profile"),
        required=("slug", "name", "country", "latitude", "longitude"),
        ints=("population", "population_year"),
        fks={"country": ("country", "country")},
        cited=True,
    ),
    "organisation": Kind(
        Organisation,
        "slug",
        text=("slug", "name", "kind", "website", "description"),
        required=("slug", "name", "kind"),
        fks={"city": ("city", "city"), "country": ("country", "country")},
        cited=True,
    ),
    "network": Kind(
        Network,
        "slug",
        text=("slug", "name", "description", "website"),
        required=("slug", "name"),
        cited=True,
    ),
    "membership": Kind(
        Membership,
        "network",
        text=("role",),
        required=("network",),
        ints=("since",),
        fks={
            "network": ("network", "network"),
            "city": ("city", "city"),
            "organisation": ("organisation", "organisation"),
        },
        cited=True,
    ),
    "practice": Kind(
        Practice,
        "slug",
        text=(
            "slug",
            "title",
            "summary",
            "context",
            "how_it_works",
            "results",
            "beneficiaries",
            "funding",
            "transferability",
            "status",
        ),
        required=("slug", "title", "summary", "themes"),
        ints=("start_year", "end_year"),
        fks={"city": ("city", "city"), "lead_organisation": ("organisation", "lead_organisation")},
        m2m={
            "partners": ("organisation", "partners"),
            "themes": ("theme", "themes"),
            "target_groups": ("target_group", "target_groups"),
            "funding_sources": ("funding_source", "funding_sources"),
        },
        cited=True,
    ),
    "contact": Kind(
        Contact,
        "key",
        text=("key", "name", "role", "email", "phone", "address"),
        required=("key", "name"),
        fks={"organisation": ("organisation", "organisation"), "city": ("city", "city")},
        m2m={"practices": ("practice", "practices")},
        cited=True,
    ),
    "benchmark": Kind(
        Benchmark,
        "slug",
        text=("slug", "code", "title", "standard", "description"),
        required=("slug", "code", "title"),
        ints=("order",),
        cited=True,
    ),
    "factor": Kind(
        Factor,
        "code",
        text=("code", "title", "statement", "rationale"),
        required=("code", "benchmark", "title"),
        ints=("order",),
        fks={"benchmark": ("benchmark", "benchmark")},
        cited=True,
    ),
    "contextual_factor": Kind(
        ContextualFactor,
        "slug",
        text=("slug", "title", "description"),
        required=("slug", "title"),
        ints=("order",),
        cited=True,
    ),
    "illustration": Kind(
        Illustration,
        "practice",
        text=("note",),
        required=("practice", "factor", "note"),
        fks={"practice": ("practice", "practice"), "factor": ("factor", "factor")},
    ),
}
# The order records are written in, so that every reference already exists.
ORDER = list(KINDS)
EXTRA_FIELDS = {
    "city": {"latitude", "longitude", "section", "page"},
    "organisation": {"section", "page"},
    "network": {"section", "page"},
    "membership": {"section", "page"},
    "practice": {"links", "tags", "published", "section", "page"},
    "contact": {"public", "section", "page"},
    "benchmark": {"section", "page"},
    "factor": {"questions", "section", "page"},
    "contextual_factor": {"examples", "section", "page"},
}
MENTIONABLE = {"city", "organisation", "network", "membership", "contact", "practice"}


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_curated: list = field(default_factory=list)

    def __str__(self):
        text = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.kept_curated)} kept as curators left them"
        )
        if self.kept_curated:
            text += " (" + ", ".join(self.kept_curated[:10])
            text += ", ...)" if len(self.kept_curated) > 10 else ")"
        return text


def fixture_paths(directory):
    return sorted(Path(directory).glob("*.toml"))


def read_records(paths):
    records, mentions = [], []
    for path in paths:
        try:
            with open(path, "rb") as fh:
                document = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise FixtureError(path, f"not valid TOML: {exc}") from None
        except OSError as exc:
            raise FixtureError(path, f"cannot be read: {exc.strerror}") from None
        source = document.pop("source", None)
        if source is not None and not isinstance(source, str):
            raise FixtureError(path, "'source' must be the key of a source document")
        for kind, rows in document.items():
            if kind not in KINDS and kind != "mention":
                raise FixtureError(path, f"unknown table [[{kind}]] (see fixtures/FORMAT.md)")
            if not isinstance(rows, list):
                raise FixtureError(path, f"[[{kind}]] must be an array of tables")
            for index, data in enumerate(rows):
                record = Record(path, kind, index, data, source)
                (mentions if kind == "mention" else records).append(record)
    return records, mentions


class Loader:
    def __init__(self, directory, *, overwrite=False):
        self.paths = fixture_paths(directory)
        self.overwrite = overwrite
        self.report = Report()
        self.objects = {kind: {} for kind in KINDS}  # kind -> key -> saved instance
        self.kept = set()  # (kind, key) left as a curator edited them
        self.touched_practices = set()

    # ----- checking, before any write -------------------------------------------------

    def check(self):
        if not self.paths:
            raise FixtureError("fixtures", "no *.toml files found")
        records, mentions = read_records(self.paths)
        self.defined = {kind: {} for kind in KINDS}
        for record in records:
            self._check_fields(record)
            key = record.key
            previous = self.defined[record.kind].get(key)
            if previous is not None:
                raise record.error(
                    f"is defined twice: also in {previous.path} as {record.kind} "
                    f"#{previous.index + 1}; define it once and cite it elsewhere with [[mention]]"
                )
            self.defined[record.kind][key] = record
        for record in records:
            self._check_references(record)
        for mention in mentions:
            self._check_mention(mention)
        self.records, self.mentions = records, mentions

    def _check_fields(self, record):
        spec, data = KINDS[record.kind], record.data
        if not isinstance(data, dict):
            raise record.error("must be a table of fields")
        if spec.only_in and record.path.name != spec.only_in:
            raise record.error(f"[[{record.kind}]] belongs in fixtures/{spec.only_in} only")
        allowed = set(spec.text) | set(spec.ints) | set(spec.fks) | set(spec.m2m)
        allowed |= EXTRA_FIELDS.get(record.kind, set())
        if record.kind == "source_document":
            allowed.add("date")
        for name in data:
            if name not in allowed:
                raise record.error("is not a field of this table (see fixtures/FORMAT.md)", name)
        for name in spec.required:
            if data.get(name) in (None, "", []):
                raise record.error("is required", name)
        for name in spec.text:
            if name in data and not isinstance(data[name], str):
                raise record.error("must be text", name)
        for name in spec.ints:
            if name in data and (not isinstance(data[name], int) or isinstance(data[name], bool)):
                raise record.error("must be a whole number", name)
        for name in spec.m2m:
            value = data.get(name, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise record.error("must be a list of keys", name)
        if record.kind == "membership" and not (data.get("city") or data.get("organisation")):
            # Needed to find the record; "both" is the model's rule, checked by full_clean.
            raise record.error("give the member: 'city' or 'organisation'", "city")
        if spec.cited:
            if not record.source:
                raise FixtureError(record.path, "has cited records but no top-level 'source'")
            if not isinstance(data.get("section"), str) or not data["section"].strip():
                raise record.error("is required: the section of the source it came from", "section")
        if data.get("email"):
            try:
                _email(data["email"])
            except ValidationError:
                raise record.error(
                    f"{data['email']!r} is not a valid e-mail address", "email"
                ) from None
        for name in ("url", "website"):
            if data.get(name):
                try:
                    _url(data[name])
                except ValidationError:
                    raise record.error(f"{data[name]!r} is not a valid URL", name) from None
        for link in data.get("links", []) if record.kind == "practice" else []:
            try:
                _url(link)
            except ValidationError:
                raise record.error(f"{link!r} is not a valid URL", "links") from None
        for name in ("latitude", "longitude"):
            if name in data and not isinstance(data[name], int | float):
                raise record.error("must be a number", name)
        if record.kind == "source_document" and data.get("date"):
            value = data["date"]
            if not isinstance(value, datetime.date):
                try:
                    datetime.date.fromisoformat(str(value))
                except ValueError:
                    raise record.error("must be a date, YYYY-MM-DD", "date") from None

    def _exists(self, kind, key):
        if key in self.defined[kind]:
            return True
        spec = KINDS[kind]
        if kind == "membership":
            network, _, member = key.partition("/")
            return (
                Membership.objects.filter(network__slug=network).filter(city__slug=member).exists()
                or Membership.objects.filter(
                    network__slug=network, organisation__slug=member
                ).exists()
            )
        return spec.model._default_manager.filter(**{spec.key: key}).exists()

    def _check_references(self, record):
        spec, data = KINDS[record.kind], record.data
        if spec.cited and not self._exists("source_document", record.source):
            raise FixtureError(record.path, f"source {record.source!r} is not a source document")
        for name, (kind, _attr) in spec.fks.items():
            if data.get(name) and not self._exists(kind, data[name]):
                raise record.error(f"unknown {kind} {data[name]!r}", name)
        for name, (kind, _attr) in spec.m2m.items():
            for key in data.get(name, []):
                if not self._exists(kind, key):
                    raise record.error(f"unknown {kind} {key!r}", name)

    def _check_mention(self, mention):
        data = mention.data
        kind, key = data.get("kind"), data.get("slug")
        if kind not in MENTIONABLE:
            raise mention.error(f"must be one of {', '.join(sorted(MENTIONABLE))}", "kind")
        if not mention.source:
            raise FixtureError(mention.path, "has a [[mention]] but no top-level 'source'")
        if not data.get("section"):
            raise mention.error("is required", "section")
        if not key or not self._exists(kind, key):
            raise mention.error(f"unknown {kind} {key!r}", "slug")

    # ----- writing, in one transaction ------------------------------------------------

    def load(self):
        self.check()
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment(LOADER_COMMENT)
            by_kind = {kind: [] for kind in KINDS}
            for record in self.records:
                by_kind[record.kind].append(record)
            for kind in ORDER:
                for record in by_kind[kind]:
                    self._write(record)
            for mention in self.mentions:
                self._write_mention(mention)
            refresh_search_documents(self.touched_practices)
        return self.report

    def _lookup(self, kind, key):
        if key in self.objects[kind]:
            return self.objects[kind][key]
        spec = KINDS[kind]
        if kind == "membership":
            network, _, member = key.partition("/")
            found = Membership.objects.filter(network__slug=network, city__slug=member).first()
            return found or Membership.objects.get(network__slug=network, organisation__slug=member)
        obj = spec.model._default_manager.get(**{spec.key: key})
        self.objects[kind][key] = obj
        return obj

    def _find_existing(self, record):
        spec, data = KINDS[record.kind], record.data
        if record.kind == "membership":
            network = self._lookup("network", data["network"])
            member = (
                {"city": self._lookup("city", data["city"])}
                if data.get("city")
                else {"organisation": self._lookup("organisation", data["organisation"])}
            )
            return Membership.objects.filter(network=network, **member).first()
        if record.kind == "illustration":
            return Illustration.objects.filter(
                practice=self._lookup("practice", data["practice"]),
                factor=self._lookup("factor", data["factor"]),
            ).first()
        return spec.model._default_manager.filter(**{spec.key: data[spec.key]}).first()

    def _is_curated(self, obj):
        if self.overwrite or not reversion.is_registered(type(obj)):
            return False
        latest = Version.objects.get_for_object(obj).select_related("revision").first()
        if latest is None:
            # Created outside any revision: by a script or the shell, not by this loader.
            return True
        return latest.revision.user_id is not None or latest.revision.comment != LOADER_COMMENT

    def _values(self, record):
        spec, data = KINDS[record.kind], record.data
        values = {}
        for name in spec.text:
            values[name] = data.get(name, "")
        for name in spec.ints:
            values[name] = data.get(name)
        for name, (kind, attr) in spec.fks.items():
            values[attr] = self._lookup(kind, data[name]) if data.get(name) else None
        if record.kind == "city":
            values["latitude"] = Decimal(str(round(float(data["latitude"]), 5)))
            values["longitude"] = Decimal(str(round(float(data["longitude"]), 5)))
        elif record.kind == "practice":
            values["links"] = "\n".join(data.get("links", []))
            values["is_published"] = bool(data.get("published", True))
            values["status"] = data.get("status") or Practice.Status.UNKNOWN
        elif record.kind == "contact":
            values["is_public"] = bool(data.get("public", True))
        elif record.kind == "contextual_factor":
            values["examples"] = "\n".join(data.get("examples", []))
        elif record.kind == "source_document":
            date = data.get("date")
            values["date"] = (
                date
                if isinstance(date, datetime.date)
                else datetime.date.fromisoformat(date)
                if date
                else None
            )
            values["kind"] = data.get("kind") or SourceDocument.Kind.OTHER
        elif record.kind == "membership":
            values["role"] = data.get("role") or "member"
        for name in ("order",):
            if name in spec.ints and values.get(name) is None:
                values[name] = 0
        return values

    def _write(self, record):
        spec = KINDS[record.kind]
        obj = self._find_existing(record)
        if obj is not None and self._is_curated(obj):
            self.report.kept_curated.append(f"{record.kind} {record.key}")
            self.kept.add((record.kind, record.key))
            self.objects[record.kind][record.key] = obj
            return
        values = self._values(record)
        created = obj is None
        if created:
            obj = spec.model(**values)
            changed = True
        else:
            changed = False
            for name, value in values.items():
                if getattr(obj, name) != value:
                    setattr(obj, name, value)
                    changed = True
        try:
            obj.full_clean(validate_unique=True, validate_constraints=True)
        except ValidationError as exc:
            name, messages = next(iter(exc.message_dict.items()))
            raise record.error("; ".join(messages), None if name == "__all__" else name) from None
        try:
            with transaction.atomic():
                if changed:
                    obj.save()
                changed |= self._write_relations(record, obj)
                if spec.cited:
                    changed |= self._cite(obj, record.source, record.data)
        except IntegrityError as exc:
            raise record.error(f"the database refused it: {exc}") from None
        self.objects[record.kind][record.key] = obj
        if record.kind == "practice":
            self.touched_practices.add(obj.pk)
        if changed:
            # Again, now that M2M links and citations are in: the version saved at
            # post_save time would not hold them, and a revert must restore them.
            reversion.add_to_revision(obj)
        if created:
            self.report.created += 1
        elif changed:
            self.report.updated += 1
        else:
            self.report.unchanged += 1

    def _write_relations(self, record, obj):
        spec, data = KINDS[record.kind], record.data
        changed = False
        for name, (kind, attr) in spec.m2m.items():
            wanted = {self._lookup(kind, key).pk for key in data.get(name, [])}
            manager = getattr(obj, attr)
            if set(manager.values_list("pk", flat=True)) != wanted:
                manager.set(wanted)
                changed = True
        if record.kind == "practice":
            wanted_tags = {t.strip().lower() for t in data.get("tags", []) if t.strip()}
            if {t.name for t in obj.tags.all()} != wanted_tags:
                obj.tags.set(sorted(wanted_tags))
                changed = True
        if record.kind == "factor":
            questions = data.get("questions", [])
            current = list(obj.questions.values_list("text", flat=True))
            if current != questions:
                obj.questions.all().delete()
                GuidedQuestion.objects.bulk_create(
                    GuidedQuestion(factor=obj, order=i, text=text)
                    for i, text in enumerate(questions, start=1)
                )
                changed = True
        return changed

    def _cite(self, obj, source, data):
        document = self._lookup("source_document", source)
        _citation, created = Citation.objects.get_or_create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            document=document,
            section=data.get("section", "").strip(),
            defaults={"page": str(data.get("page", "") or "")},
        )
        return created

    def _write_mention(self, mention):
        kind, key = mention.data["kind"], mention.data["slug"]
        if (kind, key) in self.kept:
            return
        obj = self._lookup(kind, key)
        if self._cite(obj, mention.source, mention.data):
            reversion.add_to_revision(obj)


def load_knowledge_base(directory, *, overwrite=False):
    return Loader(directory, overwrite=overwrite).load()
