import reversion
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from cities.models import City, Contact, Country, Organisation
from portal.text import sort_key
from portal.translated import Translated
from portal.verification import Verified
from sources.models import Citation

from .choices import PracticeKind, ReviewState, Scope, Status
from .links import _lines, is_safe_link, validate_links
from .querysets import PracticeQuerySet


def browser_url(**params):
    """The practice browser filtered by `params`, e.g. browser_url(theme="volunteering")."""
    return f"{reverse('practices:list')}?{urlencode(params)}"


class VocabularyQuerySet(models.QuerySet):
    def with_practice_counts(self):
        """Each value with its number of published practices of the kinds the browser shows
        by default (where its link leads), in one aggregate query."""
        shown = Q(practices__is_published=True, practices__kind__in=PracticeKind.browser_default())
        # An aggregate query drops Meta.ordering: name it again, with its tie-breaker.
        counted = self.annotate(practice_count=Count("practices", filter=shown))
        return counted.order_by(Translated("name"), "pk")


class Vocabulary(models.Model):
    """A small controlled list: themes, target groups, funding sources."""

    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        abstract = True
        # By name in the page's language, English where untranslated (not name_fr alone,
        # which sorts every untranslated value as NULL: modeltranslation #286).
        ordering = [Translated("name"), "pk"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Theme(Vocabulary):
    class Meta(Vocabulary.Meta):
        constraints = [models.UniqueConstraint(fields=["slug"], name="theme_slug_unique")]

    def get_absolute_url(self):
        return browser_url(theme=self.slug)


class TargetGroup(Vocabulary):
    class Meta(Vocabulary.Meta):
        constraints = [models.UniqueConstraint(fields=["slug"], name="target_group_slug_unique")]

    def get_absolute_url(self):
        return browser_url(target_group=self.slug)


class FundingSource(Vocabulary):
    class Meta(Vocabulary.Meta):
        constraints = [models.UniqueConstraint(fields=["slug"], name="funding_source_slug_unique")]

    def get_absolute_url(self):
        return browser_url(funding=self.slug)


class Practice(Verified):
    Status = Status
    Kind = PracticeKind
    Scope = Scope
    ReviewState = ReviewState

    title = models.CharField(max_length=300)
    # What titles sort by (portal.text.sort_key), kept by save(): ignores quotes, leading
    # punctuation, case and accents, and sorts alike on SQLite and PostgreSQL.
    sort_title = models.CharField(max_length=300, editable=False, default="")
    slug = models.SlugField(max_length=150)
    kind = models.CharField(
        max_length=12,
        choices=PracticeKind.choices,
        default=PracticeKind.INITIATIVE,
        help_text=_(
            "What the record is: publications, tools and network statements are "
            "kept apart from what cities did."
        ),
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, null=True, blank=True, related_name="practices"
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_practices",
    )
    partners = models.ManyToManyField(Organisation, blank=True, related_name="partner_practices")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.LOCAL)
    # A practice without a city (a national law, a regional programme) is placed here;
    # one with a city is placed by its city's country, which wins (effective_country).
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practices",
        help_text=_("For a national or regional practice without a city."),
    )
    region = models.CharField(max_length=120, blank=True, help_text=_("For a regional practice."))
    summary = models.TextField(help_text=_("One paragraph, in the portal's own words."))
    context = models.TextField("context and goals", blank=True)
    how_it_works = models.TextField(blank=True)
    results = models.TextField(blank=True, help_text=_("Outcomes, with figures."))
    beneficiaries = models.TextField("beneficiaries and reach", blank=True)
    funding = models.TextField("funding and resources", blank=True)
    transferability = models.TextField("transferability and lessons", blank=True)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNKNOWN)
    links = models.TextField(
        blank=True,
        help_text=_("One URL a line: http(s) or mailto only."),
        validators=[validate_links],
    )
    contacts = models.ManyToManyField(Contact, blank=True, related_name="practices")
    themes = models.ManyToManyField("Theme", related_name="practices")
    target_groups = models.ManyToManyField("TargetGroup", blank=True, related_name="practices")
    funding_sources = models.ManyToManyField("FundingSource", blank=True, related_name="practices")
    tags = TaggableManager(blank=True)
    # So the edit history can follow a practice's tags (TaggableManager alone is not
    # serialised into a version).
    tagged_items = GenericRelation("taggit.TaggedItem")
    is_published = models.BooleanField("published", default=False)
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_practices",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    citations = GenericRelation(Citation)
    # Folded words of everything a visitor may search for (see portal/text.py). Kept by
    # practices.search_documents.refresh_search_documents() whenever a practice or a linked record
    # changes; costs one extra UPDATE per save and buys one indexed column to search.
    search_document = models.TextField(blank=True, editable=False)
    # PostgreSQL parses it into one vector per content language, in its own narrow table
    # (search_store.PracticeVector).
    # SQLite only: every language's stems, marked by language, indexed by FTS5.
    search_stems = models.TextField(blank=True, editable=False)
    updated = models.DateTimeField(auto_now=True)

    objects = PracticeQuerySet.as_manager()

    class Meta(Verified.Meta):
        ordering = ["sort_title", "pk"]
        permissions = [("publish_practice", _("Can publish practices (the Reviewers group)"))]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="practice_slug_unique"),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="practice_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(city__isnull=False) | Q(lead_organisation__isnull=False),
                name="practice_has_city_or_organisation",
                violation_error_message=_("Give a city, a lead organisation, or both."),
            ),
        ]
        indexes = [
            # The browser's first page and every title-sorted page: read in this order,
            # it stops after a page of rows. An index led by is_published served neither
            # database (97% of rows are published; SQLite cannot seek on a bare boolean
            # column, so it sorted all 100,000 wide rows for 20: 180 ms).
            models.Index(fields=["sort_title", "id"], name="practice_sort_idx"),
            models.Index(fields=["is_published", "start_year"], name="practice_published_year_idx"),
            # The status facet.
            models.Index(fields=["status"], name="practice_status_idx"),
            # The kind facet, which also narrows every page of the browser by default.
            models.Index(fields=["kind"], name="practice_kind_idx"),
            # Every filtered page checks its matches (a theme's or a search's ids) for
            # "published, of these kinds": PostgreSQL reads that from this narrow index,
            # not from each wide row (a theme's 12,400 practices: facet counts 146 -> 117
            # ms). SQLite, which reads rows by rowid, gains nothing measurable from it.
            models.Index(fields=["id", "is_published", "kind"], name="practice_visible_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Titles sort by their English original in every language: one index serves every
        # page, and the order never depends on which titles are translated yet.
        self.sort_title = sort_key(self.title_en or self.title)
        # The public flag and the workflow never disagree, whoever wrote the flag (the
        # loader, an older admin action, a revert).
        if self.is_published:
            self.review_state = ReviewState.PUBLISHED
        elif self.review_state == ReviewState.PUBLISHED:
            self.review_state = ReviewState.DRAFT
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "title_en"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "sort_title"}
        if update_fields is not None and "is_published" in update_fields:
            kwargs["update_fields"] = {*kwargs["update_fields"], "review_state"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("practices:detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        errors = {}
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The end year cannot be before the start year.")
        if not self.city_id and not self.lead_organisation_id:
            errors["city"] = _("Give a city, a lead organisation, or both.")
        if self.scope in (Scope.NATIONAL, Scope.REGIONAL) and not (self.city_id or self.country_id):
            errors["country"] = _("A national or regional practice needs its country.")
        if errors:
            raise ValidationError(errors)

    @property
    def effective_country(self):
        """Where the browser's country facet and the export place it: its city's country,
        else its own (a national practice has no city)."""
        return self.city.country if self.city_id else self.country

    @property
    def link_list(self):
        """The links safe to render: http(s) and mailto only, whatever is stored (rows
        written before the rule, or past the admin, never become a javascript: link)."""
        return [line for line in _lines(self.links) if is_safe_link(line)]

    @property
    def period(self):
        if self.start_year and self.end_year:
            return f"{self.start_year}\u2013{self.end_year}"  # an en dash, as in print
        if self.start_year:
            return (
                _("since %(year)s") % {"year": self.start_year}
                if self.status == Status.ONGOING
                else str(self.start_year)
            )
        if self.end_year:
            return _("until %(year)s") % {"year": self.end_year}
        return ""


reversion.register(Tag)
reversion.register(TaggedItem)
# Themes, target groups, funding sources and practices are registered with the history in
# translation.py, once their per-language columns exist (django-reversion #684).


# The facet index's tables live beside the models they index (facet_store.py).
from .cell_store import ListCells  # noqa: E402, F401
from .facet_store import FacetKey, FacetValue  # noqa: E402, F401
from .link_store import LinkCheck  # noqa: E402, F401
from .search_store import PracticeVector, SearchLexeme  # noqa: E402, F401
