"""Production settings refuse to start without what production needs."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_start_without_a_secret_key():
    result = run_check(DJANGO_ALLOWED_HOSTS="example.eu")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_it_refuses_to_start_without_allowed_hosts():
    result = run_check(DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_it_rejects_a_malformed_boolean():
    result = run_check(DJANGO_DEBUG="perhaps")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_it_starts_with_production_values():
    result = run_check(DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="example.eu")
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_under_production_settings():
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SECRET_KEY": "k3y-" + "abcdefghij" * 6,
            "DJANGO_ALLOWED_HOSTS": "example.eu",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_portal_version_is_the_packages():
    from django.conf import settings

    with open(ROOT / "pyproject.toml", "rb") as pyproject:
        version = tomllib.load(pyproject)["project"]["version"]
    assert version == settings.PORTAL_VERSION


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_sessions_open_with_the_portals_planner_settings():
    # The export's statement is estimated far past jit_above_cost, and compiling it cost
    # more than running it; a search at a million practices read every vector under
    # the default price of a random read (portal/database_settings.py).
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('random_page_cost')")
        assert cursor.fetchone() == ("off", "1.1")
