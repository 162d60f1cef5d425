"""manage.py check_links against a local test server (never the internet): every kind
of answer stored, bad URLs never a crash, bounded concurrency and time."""

import http.server
import threading
import time
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from practices.linkcheck import USER_AGENT, held_urls
from practices.models import LinkCheck

from . import factories

pytestmark = pytest.mark.django_db


class Handler(http.server.BaseHTTPRequestHandler):
    hits = Counter()
    agents = set()
    in_flight = 0
    peak = 0
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def _answer(self, body):
        path = self.path.split("?")[0]
        cls = type(self)
        with cls.lock:
            cls.hits[(self.command, path)] += 1
            cls.agents.add(self.headers.get("User-Agent"))
            cls.in_flight += 1
            cls.peak = max(cls.peak, cls.in_flight)
        # Counted while the request waits, and no longer once its answer is on its way
        # (the client may send its next request before this thread would count down).
        if path == "/slow":
            time.sleep(1.5)
        elif path == "/busy":
            time.sleep(0.02)  # long enough for requests to overlap
        with cls.lock:
            cls.in_flight -= 1
        self._route(path, body)

    def _route(self, path, body):
        if path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.end_headers()
            return
        if path == "/head-refused" and self.command == "HEAD":
            status = 405
        else:
            status = {"/missing": 404, "/broken": 500}.get(path, 200)
        self.send_response(status)
        self.send_header("Content-Length", "2" if body else "0")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)


@pytest.fixture
def server():
    Handler.hits.clear()
    Handler.agents.clear()
    Handler.peak = 0
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def run(*urls, **options):
    out = StringIO()
    options = {"timeout": 0.5, "retries": 1, "backoff": 0, **options}
    call_command("check_links", *urls, stdout=out, **options)
    return out.getvalue()


def test_every_answer_of_the_test_server_is_stored(server):
    urls = {name: f"{server}/{name}" for name in ("ok", "moved", "missing", "broken", "slow")}
    urls["head-refused"] = f"{server}/head-refused"
    output = run(*urls.values())
    rows = {row.url: row for row in LinkCheck.objects.all()}
    assert set(rows) == set(urls.values())
    assert (rows[urls["ok"]].ok, rows[urls["ok"]].status_code) == (True, 200)
    moved = rows[urls["moved"]]
    assert (moved.ok, moved.status_code, moved.final_url) == (True, 200, f"{server}/ok")
    assert (rows[urls["missing"]].ok, rows[urls["missing"]].status_code) == (False, 404)
    assert (rows[urls["broken"]].ok, rows[urls["broken"]].status_code) == (False, 500)
    slow = rows[urls["slow"]]
    assert (slow.ok, slow.status_code) == (False, None)
    assert "timed out" in slow.error
    # HEAD refused, GET answers: the link works.
    assert rows[urls["head-refused"]].ok
    assert Handler.hits[("HEAD", "/head-refused")] == Handler.hits[("GET", "/head-refused")] == 1
    # A server error is retried (HEAD and GET, twice); a 404 is not.
    assert Handler.hits[("GET", "/broken")] == 2
    assert Handler.hits[("GET", "/missing")] == 1
    assert Handler.agents == {USER_AGENT}
    assert "Checked 6 link(s): 3 broken." in output
    assert LinkCheck.objects.get(url=urls["ok"]).checked_at is not None


def test_bad_urls_are_results_not_crashes(server):
    bad = ["http://127.0.0.1:1/refused", "http://[::1", "https://", f"{server}/ok\x00x"]
    output = run(*bad)
    assert "Checked 4 link(s): 4 broken." in output
    stored = {url.replace("\x00", "%00") for url in bad}
    assert set(LinkCheck.objects.values_list("url", flat=True)) == stored
    assert all(row.error for row in LinkCheck.objects.all())


def test_a_second_run_replaces_the_first(server):
    run(f"{server}/ok")
    first = LinkCheck.objects.get()
    run(f"{server}/ok")
    second = LinkCheck.objects.get()
    assert second.pk == first.pk and second.checked_at >= first.checked_at


def test_a_thousand_urls_in_bounded_time_and_concurrency(server):
    urls = [f"{server}/busy?n={n}" for n in range(1000)]
    started = time.monotonic()
    output = run(*urls, workers=8)
    elapsed = time.monotonic() - started
    assert "Checked 1000 link(s): 0 broken." in output
    assert LinkCheck.objects.filter(ok=True).count() == 1000
    assert 1 < Handler.peak <= 8
    # 1,000 requests of 20 ms each, 8 at a time: ~2.5 s of waiting; sequential, 20 s.
    assert elapsed < 15, elapsed


def test_without_arguments_it_checks_every_held_url(server, monkeypatch):
    practice = factories.practice(links=f"{server}/ok\n{server}/missing\nmailto:a@example.eu")
    urls = held_urls()
    assert {f"{server}/ok", f"{server}/missing"} <= set(urls)
    assert not any(u.startswith("mailto:") for u in urls)
    monkeypatch.setattr(
        "practices.linkcheck.held_urls", lambda: [f"{server}/ok", f"{server}/missing"]
    )
    run()
    assert LinkCheck.objects.get(url=f"{server}/missing").status_code == 404
    assert practice.pk


def test_the_admin_lists_broken_links(client, superuser, server, editor):
    run(f"{server}/ok", f"{server}/missing")
    for user in (superuser, editor):
        client.force_login(user)
        response = client.get(reverse("admin:practices_linkcheck_changelist"), {"ok__exact": "0"})
        assert response.status_code == 200
        assert [row.url for row in response.context["cl"].result_list] == [f"{server}/missing"]
