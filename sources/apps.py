from django.apps import AppConfig


class SourcesConfig(AppConfig):
    """The bottom layer: source documents, citations, the curated admin base and the
    fixture loader. Every other app builds on it; it imports none of them."""

    name = "sources"
    verbose_name = "Sources"

    def ready(self):
        # Models are importable only once the registry is ready, hence the import here.
        from .fixtures import KINDS
        from .records import register
        from .versioning import connect

        register(*KINDS)
        connect()
