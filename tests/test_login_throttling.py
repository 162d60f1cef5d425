"""Sign-in throttling: a run of wrong passwords pauses that account from that address."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


@pytest.fixture
def user():
    return User.objects.create_user("ce_malmo", password=PASSWORD, is_staff=True)


def sign_in(client, url, password, address="192.0.2.10"):
    return client.post(url, {"username": "ce_malmo", "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_the_sixth_try_is_refused_even_with_the_right_password(client, user, url_name):
    url = reverse(url_name)
    statuses = [sign_in(client, url, "wrong").status_code for _ in range(5)]
    # Four failures get the form back; the fifth reaches the limit and pauses sign-in.
    assert statuses == [200, 200, 200, 200, 429]
    locked = sign_in(client, url, PASSWORD)
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_pause_lifts_after_the_configured_time(client, user):
    url = reverse("login")
    for _ in range(6):
        sign_in(client, url, "wrong")
    assert sign_in(client, url, PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        response = sign_in(client, url, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_someone_elses_failures_do_not_lock_a_user_out_from_another_address(client, user):
    url = reverse("login")
    for _ in range(6):
        sign_in(client, url, "wrong", address="198.51.100.7")
    response = sign_in(client, url, PASSWORD, address="192.0.2.10")
    assert response.status_code == 302


def test_pages_carry_a_content_security_policy_and_a_permissions_policy(client):
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
