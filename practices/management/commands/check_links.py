"""Check every link the knowledge base holds and store what each answered.

    manage.py check_links                    # every URL of practices, organisations, sources
    manage.py check_links https://a.eu/ ...  # just these
    manage.py check_links --workers 4 --timeout 15 --retries 2

Schedule it (cron, a systemd timer) weekly; the admin's "Link checks" list only reads
the stored results.
"""

from django.core.management.base import BaseCommand

from practices import linkcheck


class Command(BaseCommand):
    help = "Check the knowledge base's links (HEAD then GET) and store each one's status."

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="*", help="Check these URLs instead of every one.")
        parser.add_argument("--workers", type=int, default=8, help="Requests at a time.")
        parser.add_argument("--timeout", type=float, default=10.0, help="Seconds a request.")
        parser.add_argument("--retries", type=int, default=2, help="Retries on errors and 5xx.")
        parser.add_argument("--backoff", type=float, default=1.0, help="Seconds between tries.")

    def handle(self, *args, urls, workers, timeout, retries, backoff, **options):
        urls = sorted(set(urls)) if urls else linkcheck.held_urls()
        results = linkcheck.check_urls(
            urls, workers=max(1, workers), timeout=timeout, retries=retries, backoff=backoff
        )
        linkcheck.store(results)
        broken = [r for r in results if not r.ok]
        for result in broken:
            self.stdout.write(f"BROKEN {result.url}: {result.error or result.status_code}")
        self.stdout.write(f"Checked {len(results)} link(s): {len(broken)} broken.")
