from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from sources.dump import dump_knowledge_base


class Command(BaseCommand):
    help = (
        "Write the knowledge base back to fixture files in DIR, one file per source document, "
        "in a stable order, keeping the layout and comments of the files already there (or of "
        "--layout-from), so that curators' admin edits show as a diff of the TOML files."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Folder to write, e.g. fixtures/ to update in place.")
        parser.add_argument(
            "--layout-from",
            help="Folder whose files' layout and comments to follow (default: DIR if it holds "
            "fixture files, else the project's fixtures/).",
        )

    def handle(self, *args, directory, layout_from, **options):
        target = Path(directory)
        if layout_from is None:
            has_files = target.is_dir() and any(target.glob("*.toml"))
            layout_from = target if has_files else Path(settings.BASE_DIR) / "fixtures"
        written = dump_knowledge_base(target, layout_from=layout_from)
        total = sum(written.values())
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {total} records and mentions to {len(written)} files.")
        )
