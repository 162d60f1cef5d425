from unittest import mock

from django.db import DatabaseError


def test_it_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_it_answers_503_when_the_database_does_not(client, db):
    with mock.patch("portal.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503


def test_home_shows_counts_and_themes(client, db):
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Language learning" in text
    assert "practices" in text
