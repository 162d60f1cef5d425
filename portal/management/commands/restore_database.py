from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_database into the database DATABASE_URL names. "
        "Refuses a database that has tables unless --force is given; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file (.pgdump or .sqlite3).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the content of a database that is not empty.",
        )

    def handle(self, *args, file, force, **options):
        try:
            restore(file, force=force)
        except BackupError as exc:
            raise CommandError(f"Nothing was restored: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Restored {file}"))
