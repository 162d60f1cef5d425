"""The practice's choice lists, kept apart so that models.py stays readable."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PracticeKind(models.TextChoices):
    """What a record is. The knowledge base's booklets also list publications, tools and
    network statements, which are worth finding but are not things a city did."""

    INITIATIVE = "initiative", _("Initiative")
    STRATEGY = "strategy", _("Strategy or plan")
    PUBLICATION = "publication", _("Publication or tool")
    STATEMENT = "statement", _("Network statement")

    @classmethod
    def browser_default(cls):
        """The kinds the browser shows, and the counts that lead to it count, when no kind
        is asked for: the things cities and their partners did."""
        return (cls.INITIATIVE.value, cls.STRATEGY.value)


class Scope(models.TextChoices):
    """How far a practice reaches. A national or European one may have no city: its
    country (for a national one) places it in the browser and the export."""

    LOCAL = "local", _("Local")
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")
    EUROPEAN = "european", _("European")


class ReviewState(models.TextChoices):
    """The review workflow (practices/review.py). `is_published` stays the public flag
    every query reads; save() keeps the two in step."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class Status(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    ENDED = "ended", _("Ended")
    PLANNED = "planned", _("Planned")
    UNKNOWN = "unknown", _("Not stated")
