"""Shared by the bench_* commands: time requests through Django's test client."""

from django.test import Client


def client():
    # The test client skips the network: what is timed is Django, the ORM and the database.
    return Client(HTTP_HOST="localhost", SERVER_NAME="localhost")


def consume(response):
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)
