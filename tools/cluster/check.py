"""Load the running cluster (make cluster) and break it; then prove no write was lost.

    make cluster-check                          # 60 s
    CLUSTER_CHECK_SECONDS=20 make cluster-check # CI's short run
    make cluster-bench                          # throughput, 1 then 2 app servers

Readers fetch pages, API lists and CSV exports through HAProxy; writers sign in (a real
session and CSRF token) and submit city self-assessments, each carrying a unique marker
in its evidence. Mid-run it kill -9s one app server (and restarts it), stops the replica
(then starts it) and stops the cluster's Redis (then starts it). At the end every write a
client saw acknowledged (302 after the POST) must be in the primary and, once the replica
has caught up, in the replica. Errors are counted by kind; a 5xx or a broken connection
is allowed only for a request that was in flight on the app server when it was killed.
The last line is `lost writes: N`; the exit status is 1 if N > 0 or any other error
happened. Standard library, plus psycopg from the portal's own environment.
"""

import argparse
import datetime
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
RUN = Path(os.environ.get("CLUSTER_DIR", ROOT / ".cluster"))
CLUSTER = str(ROOT / "tools" / "cluster" / "cluster.sh")
HOST = "127.0.0.1"
LB_PORT = int(os.environ.get("CLUSTER_LB_PORT", "8400"))
PRIMARY = os.environ.get(
    "CLUSTER_PRIMARY_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=portal_cluster"
)
REPLICA = os.environ.get(
    "CLUSTER_REPLICA_DSN", "host=127.0.0.1 port=5433 user=postgres dbname=portal_cluster"
)
BENCHMARK = "values-theme-a"
# Faults, as fractions of the run: (when, what). Each is undone before the next.
FAULTS = [
    (0.20, "kill -9 app server 1"),
    (0.33, "restart app server 1"),
    (0.45, "stop the replica"),
    (0.60, "start the replica"),
    (0.70, "stop redis"),
    (0.82, "start redis"),
]


@dataclass
class Result:
    kind: str  # page, api, export, write, login
    path: str
    start: float
    end: float
    status: int  # 0: no HTTP answer
    error: str  # "" when fine
    database: str = ""


class Client:
    """One browser: its own cookies, a fresh connection per request (as HAProxy and the
    sync workers close them anyway)."""

    def __init__(self):
        self.cookies = {}

    def request(self, method, path, form=None, timeout=60):
        headers = {"Host": f"{HOST}:{LB_PORT}", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{HOST}:{LB_PORT}"
            headers["Referer"] = f"http://{HOST}:{LB_PORT}{path}"
        connection = http.client.HTTPConnection(HOST, LB_PORT, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response, content

    def timed(self, kind, method, path, form=None):
        start = time.monotonic()
        try:
            response, content = self.request(method, path, form)
        except Exception as exc:  # every failure is a result to count
            return Result(kind, path, start, time.monotonic(), 0, describe(exc)), None, b""
        # Every path asked for exists, and fair use is off for the check: any 4xx is wrong.
        error = f"HTTP {response.status}" if response.status >= 400 else ""
        database = response.headers.get("X-Portal-Database", "")
        result = Result(kind, path, start, time.monotonic(), response.status, error, database)
        return result, response, content


def describe(exc):
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "closed without an answer"
    if isinstance(exc, http.client.IncompleteRead):
        return "cut off mid-response"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timeout"
    return type(exc).__name__


class Run:
    def __init__(self, seconds, readers, writers):
        self.seconds, self.readers, self.writers = seconds, readers, writers
        self.results = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.acked = {}  # marker -> time acknowledged
        self.tried = set()
        self.events = []  # (time, what)
        self.kills = []  # times an app server was killed
        self.tag = f"cc{int(time.time())}"
        self.t0 = time.monotonic()

    def add(self, result):
        with self.lock:
            self.results.append(result)

    def event(self, what):
        with self.lock:
            self.events.append((time.monotonic(), what))
        print(f"  {time.monotonic() - self.t0:6.1f}s  {what}", flush=True)


# ----- readers and writers ---------------------------------------------------------------


def read_paths(cities, practices):
    pages = ["/", "/practices/", "/practices/?theme=language-learning", "/practices/?q=lang"]
    pages += ["/cities/", "/themes/", "/benchmarks/", f"/benchmarks/{BENCHMARK}/compare/"]
    pages += [f"/cities/{c}/" for c in cities[:5]] + [f"/practices/{p}/" for p in practices[:5]]
    api = ["/api/v1/practices/", "/api/v1/practices/?theme=language-learning"]
    api += ["/api/v1/cities/", "/api/v1/assessments/", "/api/v1/themes/"]
    exports = ["/practices/export.csv", "/cities/export.csv", "/practices/export.csv?format=json"]
    return (
        [("page", p) for p in pages] + [("api", p) for p in api] + [("export", p) for p in exports]
    )


def reader(run, paths, number):
    client, index = Client(), number
    while not run.stop.is_set():
        kind, path = paths[index % len(paths)]
        index += 7
        result, _response, _content = client.timed(kind, "GET", path)
        run.add(result)


def login(run, client):
    password = (RUN / "staff-password").read_text().strip()
    while not run.stop.is_set():
        result, response, content = client.timed("login", "GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content or b"")
        if response is not None and response.status == 200 and token:
            form = {
                "username": "cluster-check",
                "password": password,
                "csrfmiddlewaretoken": token.group(1).decode(),
                "next": "/",
            }
            result, response, _content = client.timed("login", "POST", "/accounts/login/", form)
            if response is not None and response.status == 302:
                run.add(result)
                return True
            result.error = result.error or f"sign-in refused (HTTP {result.status})"
        run.add(result)
        time.sleep(0.5)
    return False


def write_once(run, client, city, marker):
    """GET the form (a fresh CSRF token), POST one assessment; True when acknowledged."""
    path = f"/benchmarks/assess/{city}/{BENCHMARK}/"
    result, response, content = client.timed("form", "GET", path)
    run.add(result)
    if response is None or response.status != 200:
        return False
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    codes = re.findall(rb'name="rating_([A-Za-z0-9]+)"', content)
    if not token or not codes:
        result.error = "form without a token or factors"
        return False
    code = codes[0].decode()
    form = {
        "csrfmiddlewaretoken": token.group(1).decode(),
        "date": datetime.date.today().isoformat(),
        f"rating_{code}": "2",
        f"evidence_{code}": marker,
    }
    with run.lock:
        run.tried.add(marker)
    result, response, _content = client.timed("write", "POST", path, form)
    if response is not None and response.status == 302:
        with run.lock:
            run.acked[marker] = result.end
        run.add(result)
        return True
    result.error = result.error or f"write refused (HTTP {result.status})"
    run.add(result)
    return False


def writer(run, cities, number):
    client = Client()
    if not login(run, client):
        return
    count = 0
    while not run.stop.is_set():
        count += 1
        marker = f"{run.tag}-w{number}-{count}"
        write_once(run, client, cities[count % len(cities)], marker)
        if "sessionid" not in client.cookies:
            login(run, client)


# ----- faults ----------------------------------------------------------------------------


def children(pid):
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def kill_app(run, number):
    pidfile = RUN / f"app{number}.pid"
    master = int(pidfile.read_text())
    victims = [master, *children(master)]
    with run.lock:
        run.kills.append(time.monotonic())
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    pidfile.unlink(missing_ok=True)
    return len(victims)


def cluster(*args):
    # Our own script, with fixed arguments.
    subprocess.run([CLUSTER, *args], check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def faults(run):
    actions = {
        "kill -9 app server 1": lambda: f"({kill_app(run, 1)} processes)",
        "restart app server 1": lambda: cluster("start-app", "1"),
        "stop the replica": lambda: cluster("stop-replica"),
        "start the replica": lambda: cluster("start-replica"),
        "stop redis": lambda: cluster("stop-redis"),
        "start redis": lambda: cluster("start-redis"),
    }
    for fraction, what in FAULTS:
        if run.stop.wait(max(0.0, run.t0 + fraction * run.seconds - time.monotonic())):
            return
        detail = actions[what]()
        run.event(what + (f" {detail}" if isinstance(detail, str) else ""))


# ----- the verdict -----------------------------------------------------------------------


def markers_in(dsn, tag):
    with psycopg.connect(dsn, connect_timeout=5) as connection:
        rows = connection.execute(
            "SELECT evidence FROM benchmarks_factorrating WHERE evidence LIKE %s", [f"{tag}-%"]
        ).fetchall()
    return {row[0] for row in rows}


def replica_markers(tag, wanted, patience=60):
    """The markers the replica holds once it has caught up (or after `patience` s)."""
    deadline = time.monotonic() + patience
    found = set()
    while time.monotonic() < deadline:
        try:
            found = markers_in(REPLICA, tag)
        except psycopg.OperationalError:
            found = set()
        if wanted <= found:
            break
        time.sleep(0.5)
    return found


def allowed(run, result):
    """In flight on an app server when it was killed: the only errors a client may see."""
    return any(result.start <= kill <= result.end for kill in run.kills)


def percentiles(durations):
    if len(durations) < 2:
        return "n/a"
    cuts = statistics.quantiles(durations, n=100, method="inclusive")
    p50, p95, p99 = (cuts[i] * 1000 for i in (49, 94, 98))
    return f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms"


def report(run, elapsed):
    results = run.results
    reads = [r for r in results if r.kind in {"page", "api", "export"}]
    writes = [r for r in results if r.kind == "write"]
    print(f"\nrequests: {len(results)} in {elapsed:.0f} s ({len(results) / elapsed:.1f}/s)")
    for kind in ("page", "api", "export", "form", "write", "login"):
        group = [r for r in results if r.kind == kind]
        if group:
            print(f"  {kind:7} {len(group):6}  {percentiles([r.end - r.start for r in group])}")
    print(f"reads: {percentiles([r.end - r.start for r in reads])}")
    on_replica = sum(1 for r in reads if r.database.startswith("replica"))
    print(f"reads answered from a replica: {on_replica} of {len(reads)}")
    print(f"writes: {len(writes)} posted, {len(run.acked)} acknowledged")
    errors = Counter()
    unexpected = 0
    for result in results:
        if result.error:
            ok = allowed(run, result)
            unexpected += not ok
            where = "in flight on the killed server" if ok else "UNEXPECTED"
            errors[(result.kind, result.error, where)] += 1
    print("errors by kind:" if errors else "errors by kind: none")
    for (kind, error, where), count in sorted(errors.items()):
        print(f"  {count:5}  {kind:7} {error:28} {where}")
    return unexpected


def verdict(run):
    acked = set(run.acked)
    primary = markers_in(PRIMARY, run.tag)
    replica = replica_markers(run.tag, acked & primary)
    unacked_written = (run.tried - acked) & primary
    print(f"acknowledged writes in the primary: {len(acked & primary)} of {len(acked)}")
    print(f"acknowledged writes in the replica: {len(acked & replica)} of {len(acked)}")
    print(f"written without an acknowledgement (in flight at the kill): {len(unacked_written)}")
    return len(acked - primary) + len(acked - replica - (acked - primary))


def wait_healthy(patience=60):
    """Every part back and answering: the primary, each replica, the cache (a replica may
    still be catching up: its reads go to the primary meanwhile, and verdict() waits)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            response, content = Client().request("GET", "/healthz?full", timeout=5)
            report = json.loads(content) if response.status == 200 else {}
        except (OSError, ValueError):
            report = {}
        replicas = report.get("replicas", {}).values()
        if report and report["cache"]["ok"] and all(r["ok"] for r in replicas):
            return True
        time.sleep(1)
    return False


def discover():
    """Slugs of real cities and practices, from the API."""
    client = Client()
    _r, cities = client.request("GET", "/api/v1/cities/")
    _r, practices = client.request("GET", "/api/v1/practices/")
    city_slugs = [row["slug"] for row in json.loads(cities)["results"]]
    return city_slugs, [row["slug"] for row in json.loads(practices)["results"]]


def check(seconds, readers, writers):
    if not wait_healthy(10):
        print("The cluster is not up (make cluster), or not healthy.", file=sys.stderr)
        return 2
    cities, practices = discover()
    run = Run(seconds, readers, writers)
    print(f"cluster check: {seconds} s, {readers} readers, {writers} writers, run {run.tag}")
    paths = read_paths(cities, practices)
    threads = [threading.Thread(target=reader, args=(run, paths, n)) for n in range(readers)]
    threads += [threading.Thread(target=writer, args=(run, cities, n)) for n in range(writers)]
    fault_thread = threading.Thread(target=faults, args=(run,))
    for thread in [*threads, fault_thread]:
        thread.start()
    run.stop.wait(seconds)
    run.stop.set()
    for thread in [*threads, fault_thread]:
        thread.join()
    elapsed = time.monotonic() - run.t0
    healthy = wait_healthy()
    unexpected = report(run, elapsed)
    print(f"cluster healthy again after the faults: {'yes' if healthy else 'NO'}")
    lost = verdict(run)
    print(f"lost writes: {lost}")
    return 1 if lost or unexpected or not healthy else 0


def bench_phase(seconds, threads, paths):
    run = Run(seconds, threads, 0)
    workers = [threading.Thread(target=reader, args=(run, paths, n)) for n in range(threads)]
    for thread in workers:
        thread.start()
    run.stop.wait(seconds)
    run.stop.set()
    for thread in workers:
        thread.join()
    done = [r for r in run.results if not r.error and r.status == 200]
    return len(done) / seconds, percentiles([r.end - r.start for r in done]), len(run.results)


def bench(seconds, threads):
    if not wait_healthy(10):
        print("The cluster is not up (make cluster).", file=sys.stderr)
        return 2
    cities, practices = discover()
    paths = [(k, p) for k, p in read_paths(cities, practices) if k != "export"]
    workers = int(os.environ.get("CLUSTER_WORKERS", "2"))
    cluster("stop-app", "2")
    time.sleep(3)  # HAProxy's checks take the stopped server out
    try:
        one = bench_phase(seconds, threads, paths)
    finally:
        cluster("start-app", "2")
    time.sleep(3)
    two = bench_phase(seconds, threads, paths)
    print(f"bench: {threads} client threads, {seconds} s a phase, pages and API (no exports)")
    for servers, (rps, lat, total) in ((1, one), (2, two)):
        print(
            f"  {servers} app server(s), {servers * workers} workers: {rps:.1f} req/s, "
            f"{rps / (servers * workers):.1f} per worker; {lat} ({total} requests)"
        )
    print(f"  scaling 1 -> 2 app servers: x{two[0] / one[0]:.2f}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", action="store_true", help="throughput, 1 then 2 app servers")
    parser.add_argument("--readers", type=int, default=int(os.environ.get("CLUSTER_READERS", 6)))
    parser.add_argument("--writers", type=int, default=int(os.environ.get("CLUSTER_WRITERS", 2)))
    args = parser.parse_args()
    if args.bench:
        seconds = int(os.environ.get("CLUSTER_BENCH_SECONDS", "20"))
        return bench(seconds, int(os.environ.get("CLUSTER_BENCH_THREADS", "8")))
    return check(int(os.environ.get("CLUSTER_CHECK_SECONDS", "60")), args.readers, args.writers)


if __name__ == "__main__":
    sys.exit(main())
