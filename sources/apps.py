from django.apps import AppConfig


class SourcesConfig(AppConfig):
    """The bottom layer: source documents, citations, the curated admin base and the
    fixture loader. Every other app builds on it; it imports none of them."""

    name = "sources"
    verbose_name = "Sources"
