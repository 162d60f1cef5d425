from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "benchmarks"
    verbose_name = "VALUES benchmarks"

    def ready(self):
        # Models are importable only once the registry is ready, hence the import here.
        from practices.facets import register

        from .facets import FACTOR

        register(FACTOR)
