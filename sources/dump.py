"""Write the knowledge base back to fixture files, so that curators' admin edits become a
reviewable diff of the TOML the knowledge base is loaded from (fixtures/FORMAT.md).

The dump follows an existing folder's files where it has them (normally fixtures/
itself): every record goes back to the file and the place that defined it, and every
field a curator did not change is written back exactly as it was typed, with the
comments around it (the `# DECISION:` notes are comments: a dump must not drop them). So
dumping an unedited knowledge base reproduces the files byte for byte, and an edit shows
as the lines it changed. A record the files do not know goes to the first file of its
source document (a new `<source>.toml` if there is none), after the others, in key order.

A record is defined where its first citation points (the loader cites the defining file
first); its other citations become [[mention]]s in the files of their documents.
"""

import datetime
import json
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation

from .models import Citation
from .records import KINDS, NOTES, ordered_kinds, read_records

_TABLE = re.compile(r"^\[\[([a-z_]+)\]\]\s*$")
_FIELD = re.compile(r"^([A-Za-z0-9_-]+)\s*=")


# ----- what the existing files say, to the byte ----------------------------------------


@dataclass
class Entry:
    """One [[table]] of a file as typed: the lines above it, and each field's lines."""

    kind: str
    key: object
    data: dict
    before: list = field(default_factory=list)  # comments and blank lines above the table
    fields: list = field(default_factory=list)  # (name, lines: comments above it + value)


@dataclass
class FileLayout:
    header: list = field(default_factory=list)  # lines above the first table
    entries: list = field(default_factory=list)
    trailer: list = field(default_factory=list)  # lines after the last field

    @property
    def source(self):
        text = "\n".join(self.header)
        match = re.search(r'^source\s*=\s*"([^"]+)"', text, re.M)
        return match.group(1) if match else None


def entry_key(kind, data):
    if kind not in KINDS and kind != "mention":
        # A table the database does not hold ([[retired]]): written back as typed.
        return repr(sorted(data.items()))
    if kind == "mention":
        return (data.get("kind"), data.get("slug"), data.get("section", ""))
    return KINDS[kind].record_key(data)


def read_layout(directory):
    """{file name: FileLayout} of the *.toml files in `directory`."""
    layouts = {}
    for path in sorted(Path(directory).glob("*.toml")):
        records, mentions, retired = read_records([path])
        tables = defaultdict(list)
        for record in [*records, *mentions, *retired]:
            tables[record.kind].append(record.data)
        layouts[path.name] = _layout(path.read_text(encoding="utf-8").splitlines(), tables)
    return layouts


def _layout(lines, tables):
    layout, seen, pending, i = FileLayout(), defaultdict(int), [], 0
    entry = None
    while i < len(lines):
        line = lines[i]
        table = _TABLE.match(line)
        name = _FIELD.match(line)
        if table:
            kind = table.group(1)
            data = tables[kind][seen[kind]]
            seen[kind] += 1
            entry = Entry(kind, entry_key(kind, data), data, before=pending)
            layout.entries.append(entry)
            pending, i = [], i + 1
        elif name and entry is not None:
            end = _value_end(lines, i)
            entry.fields.append((name.group(1), pending + lines[i:end]))
            pending, i = [], end
        elif entry is None and not (line.startswith("#") or not line.strip()):
            layout.header.extend([*pending, line])  # the `source = ...` line
            pending, i = [], i + 1
        else:
            pending.append(line)
            i += 1
    if entry is None:
        layout.header.extend(pending)
    else:
        layout.trailer = pending
    return layout


def _value_end(lines, start):
    """The line after a field's value, which may span lines (strings, arrays)."""
    for end in range(start + 1, len(lines) + 1):
        try:
            tomllib.loads("\n".join(lines[start:end]))
        except tomllib.TOMLDecodeError:
            continue
        return end
    return len(lines)


# ----- the database as fixture records ---------------------------------------------------


def _rows(spec):
    fks = [attr for _kind, attr in spec.fks.values()]
    rows = spec.model._default_manager.select_related(*fks).order_by("pk")
    lookups = [attr for _kind, attr in spec.m2m.values()] + list(spec.preload_related)
    if spec.cited:
        cited = Citation.objects.select_related("document").order_by("pk")
        lookups.append(Prefetch("citations", queryset=cited))
    return rows.prefetch_related(*lookups)


def record_data(spec, obj):
    """Every fixture field of one record, defaults included."""
    data = {name: getattr(obj, name) for name in (*spec.text, *spec.ints)}
    for name, (kind, attr) in spec.fks.items():
        related = getattr(obj, attr)
        data[name] = None if related is None else KINDS[kind].object_key(related)
    for name, (kind, attr) in spec.m2m.items():
        data[name] = sorted(KINDS[kind].object_key(r) for r in getattr(obj, attr).all())
    if spec.dump:
        data |= spec.dump(obj)
    return data


def _is_default(spec, name, value):
    return value in (None, "", []) or (name in spec.defaults and value == spec.defaults[name])


def _cite(data, citation):
    return data | {"section": citation.section, "page": citation.page}


def _same(spec, name, typed, value):
    """Whether the typed value loads as `value`: a page typed 1 is stored as "1", a date
    may be typed as text, and a list of references or tags has no order."""
    if isinstance(typed, list) and isinstance(value, list):
        unordered = name in spec.m2m or name in spec.unordered
        return sorted(typed) == sorted(value) if unordered else typed == value
    if value is None or typed is None:
        return typed in (None, "") and value in (None, "")
    if isinstance(value, float | Decimal) and isinstance(typed, int | float):
        return float(typed) == float(value)
    return str(typed).strip() == str(value).strip()


# ----- writing TOML in the files' own style --------------------------------------------


def toml_value(value, long=False):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        items = [toml_value(item) for item in value]
        inline = "[" + ", ".join(items) + "]"
        return inline if len(inline) <= 80 else "[\n" + "".join(f"  {i},\n" for i in items) + "]"
    if long and '"""' not in value and "\\" not in value:
        return '"""' + value + '"""'
    # A JSON string is a valid TOML basic string: the same escapes.
    return json.dumps(value, ensure_ascii=False)


def _field_lines(name, value, typed_lines=()):
    long = any('"""' in line for line in typed_lines) or (
        isinstance(value, str) and (len(value) > 100 or "\n" in value)
    )
    return f"{name} = {toml_value(value, long)}".split("\n")


def render_entry(spec, entry, data):
    """A known table: typed lines where the value is unchanged, new lines where not."""
    lines = [*entry.before, f"[[{entry.kind}]]"]
    typed = set()
    for name, field_lines in entry.fields:
        typed.add(name)
        comments = [line for line in field_lines if line.startswith("#") or not line.strip()]
        if name in NOTES or (name in data and _same(spec, name, entry.data.get(name), data[name])):
            # Notes (decisions, quotations) live in the files only: kept as typed.
            lines.extend(field_lines)
        elif name in data and not _is_default(spec, name, data[name]):
            lines.extend([*comments, *_field_lines(name, data[name], field_lines)])
        else:
            lines.extend(comments)
    lines.extend(_new_fields(spec, data, typed))
    return lines


def render_new(spec, kind, data):
    return ["", f"[[{kind}]]", *_new_fields(spec, data, set())]


def _new_fields(spec, data, typed):
    lines = []
    for name, value in data.items():
        if name not in typed and not _is_default(spec, name, value):
            lines.extend(_field_lines(name, value))
    return lines


# ----- placing records in files ----------------------------------------------------------


class _Mention:
    """A mention is not a kind of record; its fields are all plain."""

    m2m = {}
    unordered = frozenset()
    defaults = {"page": ""}


class Dump:
    def __init__(self, layouts):
        self.layouts = layouts
        self.sources = {name: layout.source for name, layout in layouts.items()}
        self.homes = {}  # (kind, key) -> file name
        self.placed = defaultdict(dict)  # file name -> {(kind, key): data}
        for name, layout in layouts.items():
            for entry in layout.entries:
                self.homes.setdefault((entry.kind, entry.key), name)

    def file_for(self, entry, source, spec=None):
        if entry in self.homes:
            return self.homes[entry]
        if spec is not None and spec.only_in:
            return spec.only_in
        for name, key in self.sources.items():
            if key == source:
                return name
        self.sources[f"{source}.toml"] = source
        return f"{source}.toml"

    def add(self, spec, obj):
        data = record_data(spec, obj)
        key = spec.object_key(obj)
        citations = list(obj.citations.all()) if spec.cited else []
        if citations:
            source, data = citations[0].document.key, _cite(data, citations[0])
        else:
            source = self._source_of_reference(spec, data)
        self.placed[self.file_for((spec.name, key), source, spec)][(spec.name, key)] = data
        for citation in citations[1:]:
            mention = _cite({"kind": spec.name, "slug": key}, citation)
            entry = ("mention", (spec.name, key, citation.section))
            self.placed[self.file_for(entry, citation.document.key)][entry] = mention

    def _source_of_reference(self, spec, data):
        """An uncited record (a factor illustration) lives with what its key names."""
        if spec.key in spec.fks:
            home = self.homes.get((spec.fks[spec.key][0], data.get(spec.key)))
            return self.sources.get(home)
        return None

    def render(self, name):
        layout = self.layouts.get(name, FileLayout())
        placed = self.placed.get(name, {})
        header = layout.header or (
            [f'source = "{self.sources[name]}"'] * bool(self.sources.get(name))
        )
        lines = list(header)
        for entry in layout.entries:
            key = (entry.kind, entry.key)
            if entry.kind not in KINDS and entry.kind != "mention":
                lines.extend([*entry.before, f"[[{entry.kind}]]"])
                lines.extend(line for _name, typed in entry.fields for line in typed)
            elif key in placed:
                spec = KINDS.get(entry.kind, _Mention)
                lines.extend(render_entry(spec, entry, placed.pop(key)))
        for (kind, _key), data in sorted(placed.items(), key=_new_order):
            lines.extend(render_new(KINDS.get(kind, _Mention), kind, data))
        lines.extend(layout.trailer)
        return "\n".join(lines) + "\n"


def _new_order(item):
    (kind, key), _data = item
    return (kind == "mention", KINDS[kind].order if kind in KINDS else 0, str(key))


def dump_knowledge_base(directory, *, layout_from=None):
    """Write every record to `directory`; returns {file name: tables written}."""
    directory = Path(directory)
    dump = Dump(read_layout(layout_from or directory))
    # The plain fields are the English originals, as the loader reads them.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        for spec in ordered_kinds():
            for obj in _rows(spec):
                dump.add(spec, obj)
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in sorted(set(dump.layouts) | set(dump.placed)):
        written[name] = len(dump.placed.get(name, {}))
        (directory / name).write_text(dump.render(name), encoding="utf-8")
    return written
