"""Backups restore: the loaded knowledge base, backed up and restored into an empty
database, has the same rows in every table, on SQLite and on PostgreSQL."""

import contextlib
import sqlite3

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from portal.backup import BackupError, _sqlite, backup, checksum, restore
from practices.models import Practice

pytestmark = pytest.mark.django_db


def server(settings_dict, dbname):
    return psycopg.connect(
        dbname=dbname,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        autocommit=True,
    )


@contextlib.contextmanager
def empty_database(tmp_path):
    """A second, empty database of the same kind: its settings, and a way to open it."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
        yield settings_dict, lambda: sqlite3.connect(settings_dict["NAME"])
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    with server(settings_dict, "postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    settings_dict["NAME"] = name
    try:
        yield settings_dict, lambda: server(settings_dict, name)
    finally:
        with server(settings_dict, "postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def source_checksum():
    if connection.vendor == "sqlite":
        # Read as the restored copy is read: plain sqlite3, without Django's converters.
        with contextlib.closing(_sqlite(connection.settings_dict["NAME"])) as source:
            return checksum(source, "sqlite")
    with server(connection.settings_dict, connection.settings_dict["NAME"]) as source:
        return checksum(source, "postgresql")


def test_a_backup_restores_into_an_empty_database_with_identical_content(tmp_path):
    connection.ensure_connection()
    assert Practice.objects.exists()
    path = backup(tmp_path)
    assert path.stat().st_size > 100_000
    with empty_database(tmp_path) as (target, open_target):
        restore(path, target)
        with contextlib.closing(open_target()) as restored:
            assert checksum(restored, connection.vendor) == source_checksum()


def test_a_restore_refuses_a_database_that_is_not_empty(tmp_path):
    path = backup(tmp_path)
    with pytest.raises(BackupError, match="not empty"):
        restore(path)
    with pytest.raises(CommandError, match=r"Nothing was restored: .* not empty"):
        call_command("restore_database", str(path))


def test_a_restore_refuses_what_is_not_a_backup_of_this_kind(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    with pytest.raises(BackupError, match="neither a PostgreSQL custom dump nor an SQLite"):
        restore(bogus)
    with pytest.raises(BackupError, match="does not exist"):
        restore(tmp_path / "missing.pgdump")


def test_the_command_writes_a_timestamped_file(tmp_path, capsys):
    call_command("backup_database", output=str(tmp_path))
    [written] = list(tmp_path.iterdir())
    assert written.name.startswith("portal-")
    assert str(written) in capsys.readouterr().out
