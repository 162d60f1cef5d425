"""When a record was last checked against the world, and when it may be out of date.

A record (a practice, an organisation, a contact) carries `last_verified_on` and
`verified_by`; one never verified counts from when it was imported (`created`). Older
than settings.PORTAL_STALE_MONTHS (DJANGO_STALE_MONTHS, default 24), it is stale: the
public page says it may be out of date, and the admin filters on it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def months_before(day, months):
    """The same day `months` earlier (the month's last day where it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover: every month has 28 days


def stale_cutoff(today=None):
    """Records last checked before this day are stale."""
    return months_before(today or timezone.localdate(), settings.PORTAL_STALE_MONTHS)


def stale_q(today=None):
    """The stale records, as a filter: checked before the cutoff, or never checked and
    imported before it."""
    cutoff = stale_cutoff(today)
    start = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    return Q(last_verified_on__lt=cutoff) | Q(last_verified_on__isnull=True, created__lt=start)


class Verified(models.Model):
    last_verified_on = models.DateField(
        "last verified on",
        null=True,
        blank=True,
        help_text=_("When someone last checked this record against its programme or source."),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def checked_on(self):
        """The day this record was last known true: verified, or else imported."""
        if self.last_verified_on:
            return self.last_verified_on
        return timezone.localdate(self.created) if self.created else None

    @property
    def stale_months(self):
        return settings.PORTAL_STALE_MONTHS

    @property
    def is_stale(self):
        checked = self.checked_on
        return checked is not None and checked < stale_cutoff()
