from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent, timestamped backup of the database: PostgreSQL with pg_dump "
        "--format=custom, SQLite with its online backup API. Safe while the portal serves."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(settings.BASE_DIR / "backups"),
            help="Folder for the backup file (default: backups/).",
        )

    def handle(self, *args, output, **options):
        try:
            path = backup(output)
        except BackupError as exc:
            raise CommandError(f"No backup was made: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
