from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = "Practices"

    def ready(self):
        from django.db.models.signals import post_migrate

        from sources.records import register

        from . import signals  # noqa: F401
        from .facet_index import ensure_facet_index
        from .facet_signals import connect_practices
        from .fixtures import KINDS
        from .list_cells import connect as connect_list_cells
        from .list_cells import ensure_list_cells
        from .search import ensure_sqlite_fts
        from .search_lexemes import ensure_search_lexemes
        from .touched import connect as connect_touched

        register(*KINDS)
        # First: the guard for practices being deleted runs before the stores' receivers.
        connect_touched()
        connect_practices()
        connect_list_cells()

        post_migrate.connect(ensure_sqlite_fts, sender=self)
        post_migrate.connect(ensure_facet_index, sender=self)
        post_migrate.connect(ensure_list_cells, sender=self)
        post_migrate.connect(ensure_search_lexemes, sender=self)
