from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = "Practices"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401
        from .search import ensure_sqlite_fts

        post_migrate.connect(ensure_sqlite_fts, sender=self)
