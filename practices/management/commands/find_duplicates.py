"""List likely duplicate practices: same city or lead organisation, very similar titles."""

from django.core.management.base import BaseCommand

from practices.duplicates import likely_pairs
from practices.models import Practice


class Command(BaseCommand):
    help = "List pairs of practices of the same city or organisation with similar titles."

    def handle(self, *args, **options):
        pairs = likely_pairs()
        titles = Practice.objects.in_bulk({pk for a, b, _s in pairs for pk in (a, b)})
        for a, b, score in pairs:
            self.stdout.write(
                f"{score:.0%}  {titles[a].slug}  ~  {titles[b].slug}\n"
                f"      {titles[a].title}\n      {titles[b].title}"
            )
        self.stdout.write(f"{len(pairs)} likely duplicate pair(s).")
