"""The record kinds of the sources app in the fixture files (fixtures/FORMAT.md)."""

import datetime

from .models import SourceDocument
from .records import Kind, check_date


def _source_values(data, values):
    date = data.get("date")
    values["date"] = (
        date if isinstance(date, datetime.date) or not date else datetime.date.fromisoformat(date)
    )


def _source_dump(document):
    return {"date": document.date} if document.date else {}


KINDS = (
    Kind(
        "source_document",
        SourceDocument,
        "key",
        order=50,
        text=("key", "title", "publisher", "date_text", "place", "kind", "url", "file"),
        required=("key", "title"),
        extra=frozenset({"date"}),
        only_in="00_sources.toml",
        check=lambda record: check_date(record, "date"),
        defaults={"kind": SourceDocument.Kind.OTHER},
        values=_source_values,
        dump=_source_dump,
    ),
)
