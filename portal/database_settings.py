"""DATABASES entries (settings.py): the read replicas DATABASE_REPLICA_URLS names, and
the session options every PostgreSQL connection opens with."""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def add_replicas(databases, urls, *, conn_max_age, connect_timeout):
    """Add replica, replica2... to `databases`; their aliases, in order."""
    aliases = []
    for number, url in enumerate(urls, start=1):
        alias = "replica" if number == 1 else f"replica{number}"
        try:
            config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
        except ValueError as exc:
            raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS cannot be read: {exc}") from None
        if config["ENGINE"] != databases["default"]["ENGINE"]:
            raise ImproperlyConfigured(
                "DATABASE_REPLICA_URLS must name databases of the primary's kind "
                f"({databases['default']['ENGINE']}); got {config['ENGINE']}"
            )
        if config["ENGINE"] == "django.db.backends.postgresql":
            # A replica that went away must cost a request seconds, not a TCP timeout.
            config.setdefault("OPTIONS", {})["connect_timeout"] = connect_timeout
        # Tests never create a replica: it is the test database through a second link.
        config["TEST"] = {"MIRROR": "default"}
        databases[alias] = config
        aliases.append(alias)
    return aliases


# Session settings every PostgreSQL connection opens with (libpq's startup option: no
# round trip). No JIT compilation: the export's statement (eight grouped lists joined)
# is estimated at 10^18, far past jit_above_cost, and compiling it took 3 of its 5
# seconds at 100,000 practices for nothing back. Random reads priced as on SSD or in
# memory (1.1, PostgreSQL's advice for those), not spinning disks (4): at a million
# practices a one-word search otherwise read all five million search vectors (700 ms)
# rather than its language's matches through their GIN index (350 ms).
SESSION_OPTIONS = "-c jit=off -c random_page_cost=1.1"


def with_session_options(databases):
    """SESSION_OPTIONS on every PostgreSQL connection; a DATABASE_URL that sets
    ?options= keeps its own."""
    for config in databases.values():
        if config["ENGINE"] == "django.db.backends.postgresql":
            config.setdefault("OPTIONS", {}).setdefault("options", SESSION_OPTIONS)
