"""A password reset is offered only when the portal can send its e-mail."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_without_email_the_reset_says_so_instead_of_pretending(client):
    User.objects.create_user("ce_malmo", "ce@malmo.example", "a-long-test-password")
    url = reverse("password_reset")
    response = client.post(url, {"email": "ce@malmo.example"})
    assert response.status_code == 404
    assert "No e-mail is sent from this portal" in response.content.decode()
    assert mail.outbox == []
    assert url not in client.get(reverse("login")).content.decode()


def test_with_email_configured_the_reset_sends_its_link(client, settings):
    settings.EMAIL_HOST = "smtp.example.eu"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    User.objects.create_user("ce_malmo", "ce@malmo.example", "a-long-test-password")
    url = reverse("password_reset")
    assert url in client.get(reverse("login")).content.decode()
    response = client.post(url, {"email": "ce@malmo.example"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ce@malmo.example"]]
