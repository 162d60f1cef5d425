"""Where the knowledge base's facts come from: source documents and citations."""

import reversion
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SourceDocument(models.Model):
    class Kind(models.TextChoices):
        BOOKLET = "booklet", _("Booklet")
        PRESENTATION = "presentation", _("Presentation")
        EXTRACT = "extract", _("Extract")
        TOOLKIT = "toolkit", _("Toolkit")
        COLLECTION = "collection", _("Collection of practices")
        WEBSITE = "website", _("Website")
        OTHER = "other", _("Other")

    key = models.SlugField(max_length=80)
    title = models.CharField(max_length=400)
    publisher = models.CharField(max_length=400, blank=True)
    date = models.DateField(null=True, blank=True)
    date_text = models.CharField(
        max_length=60, blank=True, help_text=_("For an approximate date, e.g. 'about 2012-2013'.")
    )
    place = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    url = models.URLField(blank=True, max_length=500)
    file = models.CharField(max_length=200, blank=True, help_text=_("The seed file it came from."))

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["key"], name="source_document_key_unique")]
        # The table kept its name when the model moved here from practices.
        db_table = "practices_sourcedocument"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("practices:source", args=[self.key])

    def natural_key(self):
        return (self.key,)

    @property
    def when(self):
        return self.date.isoformat() if self.date else self.date_text


class Citation(models.Model):
    """Where a record's facts come from: a document and a section or page."""

    document = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="citations")
    section = models.CharField(max_length=300, blank=True)
    page = models.CharField(max_length=20, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")

    class Meta:
        db_table = "practices_citation"
        ordering = ["document__key", "section", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "document", "section"],
                name="citation_unique_per_record",
            )
        ]
        indexes = [
            # Prefetching a page's citations looks them up by record.
            models.Index(fields=["content_type", "object_id"], name="citation_record_idx"),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return self.document.get_absolute_url()

    @property
    def label(self):
        """The citation as one line of text, as every page and export writes it:
        "Title, section, p. 12". Reads the document, so select or prefetch it."""
        parts = [self.document.title, self.section, f"p. {self.page}" if self.page else ""]
        return ", ".join(part for part in parts if part)


reversion.register(SourceDocument)
reversion.register(Citation)


class ContentVersion(models.Model):
    """One row: a number every write to the knowledge base bumps, and when it last did.

    Caches key on the number (a stale entry is never read again, only evicted), and
    pages send it as their ETag and `changed` as their Last-Modified. Kept in the
    database, not the cache, so that every app server agrees on it and a cache flush
    cannot roll it back. Written by sources.versioning only.
    """

    number = models.BigIntegerField(default=1)
    # Drawn afresh by every bump: what caches and ETags key on (see versioning.py).
    token = models.CharField(max_length=32)
    changed = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="content_version_single_row")
        ]

    def __str__(self):
        return f"content version {self.number} ({self.changed:%Y-%m-%d %H:%M:%S})"

    def get_absolute_url(self):
        return reverse("practices:list")
