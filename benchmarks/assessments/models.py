"""City self-assessments against the VALUES benchmarks: who may write them, the ratings,
answers and context notes. Apart from the VALUES content (benchmarks/models.py), which
knows nothing of them; they point at it by model name."""

import reversion
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from practices.models import Practice


class Rating(models.IntegerChoices):
    """The VALUES self-assessment scale. "Below established" (0 and 1) marks a gap."""

    NOT_IN_PLACE = 0, _("Not in place")
    EMERGING = 1, _("Emerging")
    ESTABLISHED = 2, _("Established")
    EXEMPLARY = 3, _("Exemplary")

    @classmethod
    def css(cls, value):
        return {0: "not_in_place", 1: "emerging", 2: "established", 3: "exemplary"}.get(
            value, "none"
        )


RATING_DESCRIPTIONS = {
    Rating.NOT_IN_PLACE: _("Nothing the factor describes exists yet."),
    Rating.EMERGING: _("First steps: plans, pilots or arrangements in part of the city."),
    Rating.ESTABLISHED: _("In place across the city and working, with evidence."),
    Rating.EXEMPLARY: _("Established, evaluated, and a model other cities learn from."),
}
GAP_BELOW = Rating.ESTABLISHED


class CityEditor(models.Model):
    """A user who may record assessments of a city through the portal's form."""

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="edited_cities")
    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="editors")

    class Meta:
        ordering = ["city__name", "user__username", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "city"], name="city_editor_unique")]

    def __str__(self):
        return f"{self.user} edits {self.city}"

    def get_absolute_url(self):
        return self.city.get_absolute_url()


def can_assess(user, city):
    """The one rule for writing assessments: admins for any city, editors for theirs."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return CityEditor.objects.filter(user=user, city=city).exists()


class AssessmentQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-date", "-pk")

    def with_ratings(self, user=None):
        """Ratings with their factor and the supporting practices `user` may see: a draft
        practice linked to a rating stays off public pages (drafts are for curators)."""
        practices = Prefetch("practices", queryset=Practice.objects.visible_to(user))
        ratings = FactorRating.objects.select_related("factor__benchmark").prefetch_related(
            practices
        )
        return self.select_related("city__country", "benchmark", "author").prefetch_related(
            Prefetch("ratings", queryset=ratings)
        )


class Assessment(models.Model):
    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="assessments")
    benchmark = models.ForeignKey(
        "benchmarks.Benchmark", on_delete=models.PROTECT, related_name="assessments"
    )
    date = models.DateField()
    author = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_synthetic = models.BooleanField(
        default=False, help_text=_("Made up by seed_synthetic for a demonstration.")
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["city__name", "-date", "-pk"]
        indexes = [
            # The city page and the comparison look up a city's latest assessment.
            models.Index(fields=["city", "benchmark", "date"], name="assessment_city_date_idx"),
        ]

    def __str__(self):
        return f"{self.city.name}: {self.benchmark.title} ({self.date})"

    def get_absolute_url(self):
        return reverse("benchmarks:assessment", args=[self.pk])

    @property
    def author_label(self):
        """Who recorded it, as the public may read it: a name the user gave, never the
        account name; "" when no author is recorded (synthetic, or the account is gone)."""
        if self.author is None:
            return ""
        return self.author.get_full_name() or f"an editor of {self.city.name}"


class FactorRating(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    factor = models.ForeignKey(
        "benchmarks.Factor", on_delete=models.PROTECT, related_name="ratings"
    )
    rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    evidence = models.TextField(blank=True)
    practices = models.ManyToManyField(
        "practices.Practice", blank=True, related_name="supported_ratings"
    )

    class Meta:
        ordering = ["factor__order", "factor__code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "factor"], name="factor_rating_unique"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__lte=3),
                name="factor_rating_on_scale",
            ),
        ]

    def __str__(self):
        return f"{self.factor.code}: {self.get_rating_display() or 'not rated'}"

    def get_absolute_url(self):
        return self.assessment.get_absolute_url()

    @property
    def css(self):
        return Rating.css(self.rating)

    @property
    def is_gap(self):
        return self.rating is not None and self.rating < GAP_BELOW


class QuestionAnswer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        "benchmarks.GuidedQuestion", on_delete=models.CASCADE, related_name="+"
    )
    answer = models.TextField(blank=True, help_text=_("Empty means the question was skipped."))

    class Meta:
        ordering = ["question__factor__order", "question__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="answer_unique")
        ]

    def __str__(self):
        return self.answer[:60] or "(skipped)"

    def get_absolute_url(self):
        return self.assessment.get_absolute_url()


class ContextNote(models.Model):
    class Effect(models.TextChoices):
        LIMITS = "limits", _("Limits the city")
        HELPS = "helps", _("Helps the city")
        BOTH = "both", _("Both limits and helps")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="context_notes"
    )
    contextual_factor = models.ForeignKey(
        "benchmarks.ContextualFactor", on_delete=models.PROTECT, related_name="+"
    )
    effect = models.CharField(max_length=10, choices=Effect.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["contextual_factor__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "contextual_factor"], name="context_note_unique"
            )
        ]

    def __str__(self):
        return f"{self.contextual_factor}: {self.get_effect_display()}"

    def get_absolute_url(self):
        return self.assessment.get_absolute_url()


reversion.register(CityEditor)
reversion.register(FactorRating)
reversion.register(QuestionAnswer)
reversion.register(ContextNote)
reversion.register(Assessment, follow=("ratings", "answers", "context_notes"))
