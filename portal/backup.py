"""Consistent backups of the whole database, and their restore into an empty one.

PostgreSQL: `pg_dump --format=custom` (one snapshot, so consistent while the portal
serves) and `pg_restore --single-transaction` (all or nothing). SQLite: the online backup
API, which copies a consistent image page by page while others read and write.

A backup restores only into an empty database (no tables), unless `force` is given: a
restore over a live knowledge base by mistake would lose every edit since the backup.
"""

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection
from django.utils import timezone

POSTGRES_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with a sentence saying why."""


def _tool(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _pg_args(settings_dict):
    """Command-line connection options and environment for pg_dump / pg_restore."""
    args = ["--dbname", settings_dict["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [option, str(settings_dict[key])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _run(command, env=None):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def backup(directory, using=connection):
    """Write a timestamped backup into `directory`; return its path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    if using.vendor == "postgresql":
        path = directory / f"portal-{stamp}.pgdump"
        args, env = _pg_args(using.settings_dict)
        _run([_tool("pg_dump"), "--format=custom", "--file", str(path), *args], env)
        return path
    if using.vendor == "sqlite":
        path = directory / f"portal-{stamp}.sqlite3"
        using.ensure_connection()
        target = sqlite3.connect(path)
        try:
            using.connection.backup(target)
        finally:
            target.close()
        return path
    raise BackupError(f"no backup method for {using.vendor}")


def _kind(path):
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(POSTGRES_MAGIC):
        return "postgresql"
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    raise BackupError(f"{path} is neither a PostgreSQL custom dump nor an SQLite database")


def _vendor(database):
    return "postgresql" if "postgresql" in database["ENGINE"] else "sqlite"


def _tables(database, vendor):
    """The tables the target database already has (none for a new SQLite file)."""
    if vendor == "sqlite":
        if not _is_uri(database["NAME"]) and not Path(database["NAME"]).exists():
            return []
        with contextlib.closing(_sqlite(database["NAME"])) as db:
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            return [row[0] for row in rows]
    import psycopg

    args = {"dbname": database["NAME"], "autocommit": True}
    for option, key in (("host", "HOST"), ("port", "PORT"), ("user", "USER")):
        if database.get(key):
            args[option] = database[key]
    if database.get("PASSWORD"):
        args["password"] = database["PASSWORD"]
    with psycopg.connect(**args) as db:
        rows = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return [row[0] for row in rows]


def restore(path, database=None, *, force=False):
    """Restore the backup at `path` into `database` (settings; default: the portal's)."""
    database = database or connection.settings_dict
    vendor, path = _vendor(database), Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    if _kind(path) != vendor:
        raise BackupError(f"{path} is a {_kind(path)} backup; this database is {vendor}")
    tables = _tables(database, vendor)
    if tables and not force:
        raise BackupError(
            f"the database is not empty ({len(tables)} tables); restore into an empty "
            "database, or give --force to replace its content"
        )
    if vendor == "postgresql":
        args, env = _pg_args(database)
        clean = ["--clean", "--if-exists"] if tables else []
        command = [_tool("pg_restore"), "--single-transaction", "--no-owner", *clean, *args]
        _run([*command, str(path)], env)
        return
    with (
        contextlib.closing(sqlite3.connect(path)) as source,
        contextlib.closing(_sqlite(database["NAME"])) as target,
    ):
        source.backup(target)


def _is_uri(name):
    return str(name).startswith("file:")


def _sqlite(name):
    # A "file:" URI names an in-memory database shared within this process (as Django's
    # test databases are): open it as a URI, never as a file of that name.
    return sqlite3.connect(name, uri=_is_uri(name))


def checksum(dbapi_connection, vendor):
    """A digest of every row of every table: equal digests, equal content."""
    cursor = dbapi_connection.cursor()
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    digest = hashlib.sha256()
    for (table,) in sorted(cursor.fetchall()):
        # Table names come from the catalogue, not from input; quoted as identifiers.
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
        rows = sorted(repr(row) for row in cursor.fetchall())
        digest.update(f"{table}:{len(rows)}\n".encode())
        for row in rows:
            digest.update(row.encode())
    return digest.hexdigest()
