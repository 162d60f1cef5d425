import reversion
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.translated import Translated
from practices.models import Practice

# The self-assessment workflow's models live apart (benchmarks/assessments/models.py);
# importing them here is what registers them with the app.
from .assessments import models as assessment_models  # noqa: F401


class BenchmarkQuerySet(models.QuerySet):
    def for_list(self):
        # An aggregate query drops Meta.ordering: the benchmarks' order, named again.
        return self.annotate(factor_count=Count("factors")).order_by(
            "order", Translated("title"), "pk"
        )

    def for_detail(self):
        """The benchmark page: factors, their questions and published illustrations."""
        published = Illustration.objects.filter(practice__is_published=True).select_related(
            "practice__city__country", "practice__lead_organisation"
        )
        return self.prefetch_related(
            "factors__questions",
            Prefetch("factors__illustrations", queryset=published),
            "citations__document",
        )


class Benchmark(models.Model):
    class Code(models.TextChoices):
        COMMON = "common", _("Factors common to the four themes")
        A = "A", _("Theme A")
        B = "B", _("Theme B")
        C = "C", _("Theme C")
        D = "D", _("Theme D")

    slug = models.SlugField(max_length=60)
    code = models.CharField(max_length=10, choices=Code.choices)
    title = models.CharField(max_length=300)
    standard = models.TextField(
        blank=True, help_text=_("The standard, where the toolkit states one.")
    )
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    citations = GenericRelation("sources.Citation")

    objects = BenchmarkQuerySet.as_manager()

    class Meta:
        ordering = ["order", Translated("title"), "pk"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="benchmark_slug_unique"),
            models.UniqueConstraint(fields=["code"], name="benchmark_code_unique"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("benchmarks:detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Factor(models.Model):
    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="factors")
    code = models.CharField(
        max_length=10, help_text=_("C1-C3 for common factors, A1-A4 for Theme A.")
    )
    title = models.CharField(max_length=400)
    statement = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    practices = models.ManyToManyField(
        Practice, through="Illustration", related_name="factors", blank=True
    )
    citations = GenericRelation("sources.Citation")

    class Meta:
        ordering = ["benchmark__order", "order", "code", "pk"]
        constraints = [models.UniqueConstraint(fields=["code"], name="factor_code_unique")]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def get_absolute_url(self):
        return reverse("benchmarks:detail", args=[self.benchmark.slug]) + f"#factor-{self.code}"

    def natural_key(self):
        return (self.code,)


class GuidedQuestion(models.Model):
    factor = models.ForeignKey(Factor, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()

    class Meta:
        ordering = ["factor", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["factor", "order"], name="guided_question_order_unique")
        ]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return self.factor.get_absolute_url()


class ContextualFactor(models.Model):
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    examples = models.TextField(blank=True, help_text=_("One example a line."))
    order = models.PositiveSmallIntegerField(default=0)
    citations = GenericRelation("sources.Citation")

    class Meta:
        ordering = ["order", Translated("title"), "pk"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="contextual_factor_slug_unique")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("benchmarks:contextual") + f"#{self.slug}"

    def natural_key(self):
        return (self.slug,)

    @property
    def example_list(self):
        return [line.strip() for line in self.examples.splitlines() if line.strip()]


class Illustration(models.Model):
    """A practice that illustrates a factor, and how."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="illustrations")
    factor = models.ForeignKey(Factor, on_delete=models.CASCADE, related_name="illustrations")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["factor__code", "practice__sort_title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "factor"], name="illustration_unique")
        ]
        indexes = [
            # The VALUES-factor facet joins practices through this table by factor.
            models.Index(fields=["factor", "practice"], name="illustration_factor_idx"),
        ]

    def __str__(self):
        return f"{self.practice} illustrates {self.factor.code}"

    def get_absolute_url(self):
        return self.practice.get_absolute_url()


reversion.register(GuidedQuestion)
# Benchmark, Factor and ContextualFactor: in translation.py, after their per-language
# columns exist (django-reversion #684).
reversion.register(Illustration)
