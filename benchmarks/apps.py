from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "benchmarks"
    verbose_name = "VALUES benchmarks"

    def ready(self):
        # Models are importable only once the registry is ready, hence the import here.
        from cities.views import CITY_PAGE_SECTIONS
        from practices.facets import register
        from sources.records import register as register_kinds

        from .assessments.reports import city_page_section
        from .facets import FACTOR
        from .fixtures import KINDS

        register(FACTOR)
        register_kinds(*KINDS)
        CITY_PAGE_SECTIONS.append(city_page_section)
