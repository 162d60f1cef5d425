from django.apps import AppConfig


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = "Cities, organisations and networks"

    def ready(self):
        # Models are importable only once the registry is ready, hence the import here.
        from sources.records import register

        from .fixtures import KINDS

        register(*KINDS)
