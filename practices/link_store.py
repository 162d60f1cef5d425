"""The link checker's results: one row per URL the knowledge base holds, written by
`manage.py check_links` (practices/linkcheck.py), only read by the admin."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode


class LinkCheckQuerySet(models.QuerySet):
    def broken(self):
        return self.filter(ok=False)


class LinkCheck(models.Model):
    url = models.URLField(max_length=1000)
    ok = models.BooleanField(default=False)
    # The final answer's status (after redirects); null when none came (a timeout).
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=1000, blank=True)
    error = models.CharField(max_length=300, blank=True)
    checked_at = models.DateTimeField()

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        ordering = ["ok", "url", "pk"]
        constraints = [models.UniqueConstraint(fields=["url"], name="link_check_url_unique")]
        indexes = [models.Index(fields=["ok", "url"], name="link_check_ok_idx")]

    def __str__(self):
        return self.url

    def get_absolute_url(self):
        return reverse("admin:practices_linkcheck_change", args=[self.pk])

    def practices_url(self):
        """The admin's practice list narrowed to practices whose links hold this URL."""
        return f"{reverse('admin:practices_practice_changelist')}?{urlencode({'q': self.url})}"

    @staticmethod
    def holders_q(url):
        return Q(links__contains=url)
