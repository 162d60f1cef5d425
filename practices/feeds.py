"""Atom feeds of the practice browser's results: `/practices/feed/?<the browser's filters>`.

Officials follow a topic without coming back to check: a feed reader polls the address
and shows what is new. The entries are the practices the browser lists for the same
filters (one filter path: Browse), most recently added or changed first. Feeds are
public and kept by readers and proxies, so they are always built as for an anonymous
visitor: a curator's session never puts a draft in one.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .browse import Browse

FEED_SIZE = 50


class PracticeFeed(Feed):
    feed_type = Atom1Feed
    author_name = _("City Practice Portal")
    description_template = "practices/feed_item.html"

    def get_object(self, request):
        return Browse(request.GET, AnonymousUser())

    def _query(self, browse):
        return urlencode(browse.filters_in_force(), doseq=True)

    def title(self, browse):
        filters = "; ".join(
            f"{name.replace('_', ' ')}: {', '.join(values) if isinstance(values, list) else values}"
            for name, values in browse.filters_in_force().items()
        )
        return gettext("City Practice Portal: practices (%(filters)s)") % {"filters": filters}

    def subtitle(self, browse):
        return gettext(
            "Published practices matching these filters, most recently added or changed first."
        )

    def link(self, browse):
        return f"{reverse('practices:list')}?{self._query(browse)}"

    def feed_url(self, browse):
        return f"{reverse('practices:feed')}?{self._query(browse)}"

    def items(self, browse):
        # `updated` moves when a draft is published, so a newly public practice comes first.
        return browse.results().for_list().order_by("-updated", "-pk")[:FEED_SIZE]

    def item_title(self, practice):
        return f"{practice.title} ({practice.city.name})" if practice.city_id else practice.title

    def item_link(self, practice):
        return practice.get_absolute_url()

    def item_pubdate(self, practice):
        return practice.created

    def item_updateddate(self, practice):
        return practice.updated

    def item_categories(self, practice):
        return [theme.name for theme in practice.themes.all()]
