"""What each loaded record cites, kept as the fixtures say.

The fixtures give a record its citations: the (document, section, page) of the file that
defines it, and one more for each [[mention]] of it. On a load, a citation the fixtures
add is inserted (in bulk, with the loader's other links), one whose page changed is
updated, and one the fixtures no longer give a record the loader writes is deleted: a
record moved to the section or document that supports it stops citing the old place.
Records a curator has edited are not written, so their citations stay as they are.
"""

from django.contrib.contenttypes.models import ContentType

from .models import Citation


class Citations:
    def __init__(self, loader):
        self.loader = loader
        sources = {r.source for r in [*loader.records, *loader.mentions] if r.source}
        rows = Citation.objects.filter(document__key__in=sources).values_list(
            "pk", "content_type_id", "object_id", "document_id", "section", "page"
        )
        # (content type, object id, document id, section) -> (citation id, page)
        self.existing = {tuple(row[1:5]): (row[0], row[5]) for row in rows}
        self.wanted = set()
        self.owners = {}  # (content type, object id) -> (kind, key, record) cited this load

    def cite(self, obj, source, data, owner):
        """Cite `source` (at data's section and page) for `obj`; True if that adds or
        changes a citation. `owner` is the record's (kind, key)."""
        document = self.loader._lookup("source_document", source)
        content_type = ContentType.objects.get_for_model(obj)
        section = data.get("section", "").strip()
        page = str(data.get("page", "") or "")
        key = (content_type.pk, obj.pk, document.pk, section)
        self.owners[key[:2]] = (*owner, obj)
        if key in self.wanted:
            return False
        self.wanted.add(key)
        if key not in self.existing:
            citation = Citation(
                content_type=content_type,
                object_id=obj.pk,
                document=document,
                section=section,
                page=page,
            )
            self.loader.links[Citation].append(citation)
            return True
        pk, old_page = self.existing[key]
        if old_page == page:
            return False
        Citation.objects.filter(pk=pk).update(page=page)
        return True

    def drop_stale(self):
        """Delete the citations that the records cited in this load no longer have, and
        return those records as (kind, key, record): they changed."""
        stale = {
            key: pk
            for key, (pk, _page) in self.existing.items()
            if key[:2] in self.owners and key not in self.wanted
        }
        Citation.objects.filter(pk__in=stale.values()).delete()
        return list({self.owners[key[:2]] for key in stale})
