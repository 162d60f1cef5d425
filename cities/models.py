import reversion
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.translated import Translated
from portal.verification import Verified

from .choices import MEMBERSHIP_RULE, OrganisationKind, coverage

# Databases check e-mails with this pattern; forms and the loader use Django's stricter
# EmailValidator on top. A regex is what both SQLite (Django registers REGEXP) and
# PostgreSQL can evaluate in a CHECK constraint.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class Country(models.Model):
    code = models.CharField("ISO 3166-1 alpha-2 code", max_length=2, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        # In the page's language, English standing in (see portal/translated.py).
        ordering = [Translated("name"), "code"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"), name="country_code_two_capitals"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cities:list") + f"#country-{self.code}"

    def natural_key(self):
        return (self.code,)

    def clean(self):
        if self.code and (
            len(self.code) != 2 or not self.code.isalpha() or not self.code.isupper()
        ):
            raise ValidationError({"code": _("Use the two capital letters of ISO 3166-1 alpha-2.")})


# The cities list's orders (?sort=), default first, page and CSV alike; pk breaks ties.
CITY_ORDERS = {
    "country": ("country__name", "name", "pk"),
    "name": ("name", "pk"),
    "population": (F("population").desc(nulls_last=True), "name", "pk"),
    "practices": ("-practice_count", "name", "pk"),
}


class CityQuerySet(models.QuerySet):
    def for_list(self):
        """The /cities/ page: country names and published practice counts in one query."""
        return self.select_related("country").annotate(
            practice_count=Count("practices", filter=Q(practices__is_published=True), distinct=True)
        )

    def named(self, text):
        return self.filter(name__icontains=text) if text else self

    def sorted_by(self, key):
        """One of CITY_ORDERS; an unknown key gets the default order."""
        return self.order_by(*CITY_ORDERS.get(key, CITY_ORDERS["country"]))

    def with_networks(self):
        """Each city's memberships and networks: two more queries, for any number."""
        return self.prefetch_related("memberships__network")

    def for_detail(self):
        return self.select_related("country").prefetch_related("citations__document")

    def for_export(self):
        return self.for_list().prefetch_related("memberships__network", "citations__document")


class City(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="cities")
    region = models.CharField(max_length=120, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("The year the population figure refers to.")
    )
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    profile = models.TextField(
        blank=True, help_text=_("A short profile in the portal's own words.")
    )
    citations = GenericRelation("sources.Citation")

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "cities"
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="city_slug_unique"),
            models.UniqueConstraint(Lower("name"), "country", name="city_name_country_unique"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="city_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="city_longitude_range",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.country_id})"

    def get_absolute_url(self):
        return reverse("cities:detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class OrganisationQuerySet(models.QuerySet):
    def for_list(self):
        """The /organisations/ page: place names and published practice counts, one query."""
        return (
            self.select_related("city__country", "country")
            .annotate(
                led_count=Count(
                    "led_practices", filter=Q(led_practices__is_published=True), distinct=True
                ),
                partner_count=Count(
                    "partner_practices",
                    filter=Q(partner_practices__is_published=True),
                    distinct=True,
                ),
                # A GROUP BY query drops Meta.ordering: the page and its CSV both sort here.
            )
            .order_by("name", "pk")
        )

    def matching(self, name="", kind=""):
        """The /organisations/ filters: a name fragment and a kind, both already cleaned
        (cities.views: a kind the portal does not know is dropped there)."""
        queryset = self.filter(name__icontains=name) if name else self
        return queryset.filter(kind=kind) if kind else queryset

    def for_detail(self):
        return self.select_related("city__country", "country").prefetch_related(
            "citations__document"
        )

    def for_export(self):
        return self.for_list().prefetch_related("citations__document")


class Organisation(Verified):
    Kind = OrganisationKind

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=120)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    city = models.ForeignKey(
        City, on_delete=models.SET_NULL, null=True, blank=True, related_name="organisations"
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    website = models.URLField(blank=True, max_length=500)
    description = models.TextField(blank=True)
    citations = GenericRelation("sources.Citation")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="organisation_slug_unique"),
        ]
        indexes = [
            # The organisation-kind facet filters practices through this column.
            models.Index(fields=["kind"], name="organisation_kind_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cities:organisation", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class NetworkQuerySet(models.QuerySet):
    def for_list(self):
        # Meta.ordering does not apply to an aggregate; name it again, with its tie-breaker.
        return self.annotate(member_count=Count("memberships")).order_by(Translated("name"), "pk")

    def for_detail(self):
        members = Membership.objects.select_related(
            "city__country", "organisation"
        ).prefetch_related("citations__document")
        return self.prefetch_related(
            models.Prefetch("memberships", queryset=members), "citations__document"
        )


class Network(models.Model):
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=120)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True, max_length=500)
    # What the sources say of the network's size, so that a member list the sources only
    # partly give says so ("1 of 42 signatories named in the sources").
    stated_total = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The number of members a source states, if any.")
    )
    total_qualifier = models.CharField(
        max_length=20, blank=True, help_text='As printed before the number: "more than", "over".'
    )
    member_noun = models.CharField(
        max_length=40, default="members", help_text='What members are called: "signatories".'
    )
    citations = GenericRelation("sources.Citation")

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = [Translated("name"), "pk"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="network_slug_unique"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cities:network", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def coverage_text(self):
        """How many of its members the sources name, against the total they state. Reads
        for_list()'s member_count, or for_detail()'s prefetched memberships: no query."""
        named = getattr(self, "member_count", None)
        if named is None:
            named = len(self.memberships.all())
        return coverage(named, self.stated_total, self.total_qualifier, self.member_noun)


class Membership(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=120, blank=True, default="member")
    since = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Year joined."))
    citations = GenericRelation("sources.Citation")

    class Meta:
        ordering = ["network__name", "city__name", "organisation__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(city__isnull=False, organisation__isnull=True)
                    | Q(city__isnull=True, organisation__isnull=False)
                ),
                name="membership_city_xor_organisation",
                violation_error_message=MEMBERSHIP_RULE,
            ),
            models.UniqueConstraint(
                fields=["network", "city"],
                condition=Q(city__isnull=False),
                name="membership_one_per_city_and_network",
            ),
            models.UniqueConstraint(
                fields=["network", "organisation"],
                condition=Q(organisation__isnull=False),
                name="membership_one_per_org_and_network",
            ),
        ]

    def __str__(self):
        return f"{self.member} in {self.network}"

    def get_absolute_url(self):
        return self.network.get_absolute_url()

    @property
    def member(self):
        return self.city or self.organisation

    def clean(self):
        if bool(self.city_id) == bool(self.organisation_id):
            raise ValidationError(MEMBERSHIP_RULE)


class ContactQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def for_export(self):
        return self.select_related("organisation", "city").prefetch_related(
            "practices", "citations__document"
        )


class Contact(Verified):
    key = models.SlugField(
        max_length=120, help_text=_("A stable identifier, e.g. the person's name as a slug.")
    )
    name = models.CharField(max_length=255, help_text=_("A person's name, or an office's name."))
    role = models.CharField(max_length=255, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    city = models.ForeignKey(
        City, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=60, blank=True)
    address = models.TextField("postal address", blank=True)
    is_public = models.BooleanField(
        "shown publicly",
        default=True,
        help_text=_("Untick to keep this contact for curators only."),
    )
    citations = GenericRelation("sources.Citation")

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="contact_key_unique"),
            models.CheckConstraint(
                condition=Q(email="") | Q(email__regex=EMAIL_PATTERN),
                name="contact_email_valid",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name

    def get_absolute_url(self):
        if self.city_id:
            return reverse("cities:detail", args=[self.city.slug]) + "#contacts"
        if self.organisation_id:
            return reverse("cities:organisation", args=[self.organisation.slug]) + "#contacts"
        return reverse("cities:list")

    def natural_key(self):
        return (self.key,)


# Edit history: a version carries its citations (and a network's memberships), so a
# revert in the admin brings those back too.
# Country, City, Organisation and Network: in translation.py, after their per-language
# columns.
reversion.register(Membership, follow=("citations",))
reversion.register(Contact, follow=("citations",))
