"""What the fixture files hold: record kinds, records, and the checks made before any write.

Each app declares the kinds of record it owns (its `fixtures.py`) and registers them in
AppConfig.ready(), so this module, at the bottom of the app layers, imports none of them.
A kind says how its TOML table maps onto its model: plain text and number fields,
references to other kinds (by key), whether it is cited, and hooks for what is its own.
"""

import datetime
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db.backends.base.operations import BaseDatabaseOperations

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
class Kind:
    name: str
    model: type
    key: str  # the natural key field, in the table and on the model
    order: int  # write order: every kind after the kinds it references
    text: tuple = ()  # plain string fields (same name on the model)
    required: tuple = ()
    ints: tuple = ()
    fks: dict = field(default_factory=dict)  # table field -> (kind, model field)
    m2m: dict = field(default_factory=dict)  # table field -> (kind, model attribute)
    extra: frozenset = frozenset()  # further table fields its hooks read
    # The value a missing (or empty) field stands for: filled in by the loader, left out by
    # the dump. Text fields default to "", numbers and references to none.
    defaults: dict = field(default_factory=dict)
    preload_related: tuple = ()  # what its hooks read of an existing record, prefetched
    unordered: frozenset = frozenset()  # list fields whose order means nothing (as M2M's)
    cited: bool = False
    mentionable: bool = False  # may be cited again from another file with [[mention]]
    only_in: str | None = None  # the file name that alone may define this kind
    # Hooks, each optional:
    key_of: Callable | None = None  # data -> key, where the key is not one field
    key_of_object: Callable | None = None  # saved instance -> key, likewise
    check: Callable | None = None  # (record) -> None; raises record.error(...)
    values: Callable | None = None  # (data, values) -> None; adjusts the model values
    relations: Callable | None = None  # (loader, obj, data) -> changed; writes what it owns
    after_load: Callable | None = None  # (loader) -> None; once, after every write
    dump: Callable | None = None  # (obj) -> {field: value} of the extra fields, for the dump
    # Translated text fields (modeltranslation): the table may give each in the other
    # languages as `<field>_<lang>` (name_fr), loaded into that column; missing is NULL,
    # which shows the English text.
    translated: tuple = ()

    def __post_init__(self):
        columns = translation_columns(self.translated)
        self.text = (*self.text, *columns)
        self.defaults = {**dict.fromkeys(columns), **self.defaults}

    def record_key(self, data):
        return self.key_of(data) if self.key_of else data.get(self.key)

    def object_key(self, obj):
        return self.key_of_object(obj) if self.key_of_object else getattr(obj, self.key)

    def default(self, name):
        return self.defaults.get(name, "" if name in self.text else None)

    @property
    def allowed(self):
        names = {*self.text, *self.ints, *self.fks, *self.m2m, *self.extra, *NOTES}
        return names | ({"section", "page"} if self.cited else set())


def translation_columns(names):
    """name_fr, name_de... of each of `names`: every language but the original (English)."""
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    return tuple(
        f"{name}_{lang}"
        for name in names
        for lang in settings.MODELTRANSLATION_LANGUAGES
        if lang != default
    )


# Fields any record may carry for the people who maintain the fixtures, never loaded:
# `decisions` (judgement calls on what the record asserts, which tests/test_content.py
# reads) and `quotations` (the text fields that quote the source, in quotation marks).
NOTES = ("decisions", "quotations")


KINDS = {}


def register(*kinds):
    for kind in kinds:
        KINDS[kind.name] = kind


def ordered_kinds():
    return sorted(KINDS.values(), key=lambda kind: kind.order)


@dataclass
class Record:
    path: Path
    kind: str
    index: int
    data: dict
    source: str | None

    @property
    def spec(self):
        return KINDS[self.kind]

    @property
    def key(self):
        return self.spec.record_key(self.data) if self.kind in KINDS else None

    def error(self, message, field=None):
        return FixtureError(
            self.path, message, kind=self.kind, index=self.index, key=self.key, field=field
        )


def read_records(paths):
    """Every record of the files, and apart from them their [[mention]] and [[retired]]
    tables (which cite or remove a record defined elsewhere)."""
    records, mentions, retired = [], [], []
    for path in paths:
        try:
            with open(path, "rb") as fh:
                document = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise FixtureError(path, f"not valid TOML: {exc}") from None
        except UnicodeDecodeError as exc:
            raise FixtureError(path, f"is not UTF-8 text (byte {exc.start})") from None
        except OSError as exc:
            raise FixtureError(path, f"cannot be read: {exc.strerror}") from None
        source = document.pop("source", None)
        if source is not None and not isinstance(source, str):
            raise FixtureError(path, "'source' must be the key of a source document")
        # File-wide decisions, read by the content tests like a record's own.
        if not _is_text_list(document.pop("decisions", [])):
            raise FixtureError(path, "'decisions' must be a list of texts")
        special = {"mention": mentions, "retired": retired}
        for kind, rows in document.items():
            if kind not in KINDS and kind not in special:
                raise FixtureError(path, f"unknown table [[{kind}]] (see fixtures/FORMAT.md)")
            if not isinstance(rows, list):
                raise FixtureError(path, f"[[{kind}]] must be an array of tables")
            for index, data in enumerate(rows):
                record = Record(path, kind, index, data, source)
                special.get(kind, records).append(record)
    return records, mentions, retired


def _is_text_list(value):
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


# ----- checks of one record, before anything is written --------------------------------


def check_fields(record):
    spec, data = record.spec, record.data
    if not isinstance(data, dict):
        raise record.error("must be a table of fields")
    if spec.only_in and record.path.name != spec.only_in:
        raise record.error(f"[[{record.kind}]] belongs in fixtures/{spec.only_in} only")
    for name in data:
        if name not in spec.allowed:
            raise record.error("is not a field of this table (see fixtures/FORMAT.md)", name)
    for name in spec.required:
        if data.get(name) in (None, "", []):
            raise record.error("is required", name)
    _check_types(record)
    if spec.cited:
        if not record.source:
            raise FixtureError(record.path, "has cited records but no top-level 'source'")
        if not isinstance(data.get("section"), str) or not data["section"].strip():
            raise record.error("is required: the section of the source it came from", "section")
    _check_addresses(record)
    _check_notes(record)
    if spec.check:
        spec.check(record)


def _check_notes(record):
    data = record.data
    for name in NOTES:
        if name in data and not _is_text_list(data[name]):
            raise record.error("must be a list of texts", name)
    for name in data.get("quotations", []):
        if name not in record.spec.text:
            raise record.error(f"{name!r} is not a text field of this table", "quotations")


def _check_types(record):
    """Types, lengths and ranges, checked here so that SQLite (which stores what it is
    given) and PostgreSQL (which refuses) accept and refuse the same files."""
    spec, data = record.spec, record.data
    for name in spec.text:
        if name in data:
            check_text(record, name, data[name], _max_length(spec.model, name))
    for name in spec.ints:
        if name in data and (not isinstance(data[name], int) or isinstance(data[name], bool)):
            raise record.error("must be a whole number", name)
        if name in data:
            low, high = _int_range(spec.model, name)
            if not low <= data[name] <= high:
                raise record.error(f"must be between {low} and {high}", name)
    for name in spec.m2m:
        check_text_list(record, name)


def _max_length(model, name):
    try:
        return model._meta.get_field(name).max_length
    except FieldDoesNotExist:
        return None


def _int_range(model, name):
    # The standard SQL ranges (PostgreSQL's), whatever the database: SQLite has none.
    kind = model._meta.get_field(name).get_internal_type()
    return BaseDatabaseOperations.integer_field_ranges.get(kind, (-(2**63), 2**63 - 1))


def check_text(record, name, value, max_length=None):
    if not isinstance(value, str):
        raise record.error("must be text", name)
    if "\x00" in value:
        raise record.error("contains a NUL character", name)
    if max_length is not None and len(value) > max_length:
        raise record.error(f"is {len(value)} characters long; at most {max_length}", name)


def check_text_list(record, name, max_length=None):
    value = record.data.get(name, [])
    if not isinstance(value, list):
        raise record.error("must be a list of text values", name)
    for item in value:
        check_text(record, name, item, max_length)


def _check_addresses(record):
    data = record.data
    if data.get("email"):
        try:
            _email(data["email"])
        except ValidationError:
            raise record.error(
                f"{data['email']!r} is not a valid e-mail address", "email"
            ) from None
    for name in ("url", "website"):
        if data.get(name):
            check_url(record, data[name], name)


def check_url(record, value, name):
    try:
        _url(value)
    except ValidationError:
        raise record.error(f"{value!r} is not a valid URL", name) from None


def check_numbers(record, *names):
    for name in names:
        if name in record.data and not isinstance(record.data[name], int | float):
            raise record.error("must be a number", name)


def check_date(record, name):
    value = record.data.get(name)
    if value and not isinstance(value, datetime.date):
        try:
            datetime.date.fromisoformat(str(value))
        except ValueError:
            raise record.error("must be a date, YYYY-MM-DD", name) from None


def check_boolean(record, name):
    # A TOML boolean, never a string: "false" read with bool() is true, and a contact
    # meant to be private would load as public.
    if name in record.data and not isinstance(record.data[name], bool):
        raise record.error("must be true or false (a TOML boolean, without quotes)", name)
