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


def without_jit(databases):
    """No JIT compilation on PostgreSQL connections. The export's statement (eight
    grouped lists joined) is estimated at 10^18, far past jit_above_cost, and compiling
    it took 3 of its 5 seconds at 100,000 practices for nothing back. A libpq startup
    option costs no round trip; a DATABASE_URL that sets ?options= keeps its own."""
    for config in databases.values():
        if config["ENGINE"] == "django.db.backends.postgresql":
            config.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
