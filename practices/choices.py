"""The practice's choice lists, kept apart so that models.py stays readable."""

from django.db import models


class PracticeKind(models.TextChoices):
    """What a record is. The knowledge base's booklets also list publications, tools and
    network statements, which are worth finding but are not things a city did."""

    INITIATIVE = "initiative", "Initiative"
    STRATEGY = "strategy", "Strategy or plan"
    PUBLICATION = "publication", "Publication or tool"
    STATEMENT = "statement", "Network statement"

    @classmethod
    def browser_default(cls):
        """The kinds the browser shows, and the counts that lead to it count, when no kind
        is asked for: the things cities and their partners did."""
        return (cls.INITIATIVE.value, cls.STRATEGY.value)


class Scope(models.TextChoices):
    """How far a practice reaches. A national or European one may have no city: its
    country (for a national one) places it in the browser and the export."""

    LOCAL = "local", "Local"
    REGIONAL = "regional", "Regional"
    NATIONAL = "national", "National"
    EUROPEAN = "european", "European"


class ReviewState(models.TextChoices):
    """The review workflow (practices/review.py). `is_published` stays the public flag
    every query reads; save() keeps the two in step."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class Status(models.TextChoices):
    ONGOING = "ongoing", "Ongoing"
    ENDED = "ended", "Ended"
    PLANNED = "planned", "Planned"
    UNKNOWN = "unknown", "Not stated"
