from django.core.management.base import BaseCommand
from django.db import transaction

from sources.revisions import split_all_revisions


class Command(BaseCommand):
    help = (
        "Give each record in a revision that holds several (the knowledge base loaded as one "
        "revision, before per-record revisions) a revision of its own, with the same date, "
        "user and comment, so that no revert in the admin reaches beyond its record. "
        "Migration sources 0002 runs it once; it is safe to run again."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            made = split_all_revisions()
        self.stdout.write(self.style.SUCCESS(f"{made} revisions made by splitting shared ones."))
