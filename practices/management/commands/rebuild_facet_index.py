"""Rebuild the facet index from scratch (after adding a facet, or to check it)."""

import time

from django.core.management.base import BaseCommand

from practices import facet_index
from practices.models import FacetKey
from sources.versioning import bump


class Command(BaseCommand):
    help = "Rebuild every practice's facet keys and the stored counts, in one transaction."

    def handle(self, *args, **options):
        started = time.perf_counter()
        facet_index.rebuild()
        # Counts cached under the old version would not know of a new facet.
        bump()
        self.stdout.write(
            f"Facet index rebuilt: {FacetKey.objects.count()} keys "
            f"in {time.perf_counter() - started:.1f} s."
        )
