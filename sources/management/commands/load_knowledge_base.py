from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sources.loader import load_knowledge_base
from sources.models import Citation
from sources.records import FixtureError


class Command(BaseCommand):
    help = (
        "Load (or reload) the knowledge base from fixtures/*.toml. Idempotent: records are "
        "matched by natural key. Records a curator changed in the admin are kept as they "
        "are unless --overwrite-curated is given. All or nothing: one bad record loads nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=str(Path(settings.BASE_DIR) / "fixtures"),
            help="Folder of the TOML fixture files (default: fixtures/).",
        )
        parser.add_argument(
            "--overwrite-curated",
            action="store_true",
            help="Also reset records that curators have changed in the admin.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already holds practices (used by `make run`).",
        )

    def handle(self, *args, dir, overwrite_curated, if_empty, **options):
        # Every loaded record cites a source: no citation, nothing loaded yet.
        if if_empty and Citation.objects.exists():
            self.stdout.write("The knowledge base is already loaded; nothing to do.")
            return
        try:
            report = load_knowledge_base(dir, overwrite=overwrite_curated)
        except FixtureError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Knowledge base loaded: {report}."))
