"""Other projects' deps.json as untrusted input: the setting, fetching, the cache, every value judged.

The end-to-end story (three projects, a consumer, a portfolio) is ``test_portfolio.py``;
here each defence is held on its own, through the core that the build and ``dep lint``
share.
"""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sphinxcontrib_dep.core import sources
from sphinxcontrib_dep.core.config import ConfigError, DepConfig
from sphinxcontrib_dep.core.model import DepRef, Link, Status, split_project_ref
from sphinxcontrib_dep.core.parsing import parse_meta

SPEC = sources.SourceSpec("runtime", "https://runtime.example.org/deps.json", "https://runtime.example.org/")


def record(**values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "DEP-0001",
        "number": 1,
        "title": "Scheduler",
        "status": "Approved",
        "category": None,
        "authors": ["@ada"],
        "sponsors": [],
        "reviewers": [],
        "review_date": None,
        "replaces": [],
        "replaced_by": [],
        "pull_request": None,
        "implementation": [],
        "path": "deps/0001-scheduler.md",
    }
    return {**base, **values}


def document(*records: dict[str, object], version: int = 2, **top: object) -> bytes:
    return json.dumps({"schema_version": version, "deps": list(records), **top}).encode()


def parse(data: bytes, **kwargs: object) -> tuple[sources.Source, list[str]]:
    return sources.parse(data, SPEC, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# References as written in a proposal
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("runtime:DEP-0012", ("runtime", "DEP-0012", 12)),
        ("ml-serving:rt_7", ("ml-serving", "RT-7", 7)),
        ("https://example.org/x", None),  # a URL is no key
        ("DEP:12", None),  # keys are lower case
        ("runtime:", None),
        ("runtime:DEP-0000", None),
        ("runtime://x", None),
    ],
)
def test_split_project_ref(text: str, expected: tuple[str, str, int] | None) -> None:
    assert split_project_ref(text) == expected


def test_a_header_names_other_projects_proposals() -> None:
    dep, problems = parse_meta(
        {
            "status": "Implemented",
            "replaces": "runtime:DEP-0003 (partial), 2",
            "implementation": "operator:DEP-0004, https://github.com/org/repo/pull/1",
        },
        path="deps/0005-x.md",
        title="X",
    )
    assert problems == []
    assert dep.replaces == [
        DepRef(partial=True, project="runtime", project_id="DEP-0003", project_number=3),
        DepRef(number=2),
    ]
    assert dep.implementation == [
        Link("operator:DEP-0004", project="operator", number=4),
        Link("https://github.com/org/repo/pull/1"),
    ]
    assert [link.kind for link in dep.implementation] == ["dep", "pr"]


# --------------------------------------------------------------------------------------
# The setting
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (
            {"Runtime": {"deps": "https://x.org/deps.json"}},
            "dep_sources must have keys of lower-case letters",
        ),
        ({"rt": {"deps": "file:///etc/passwd", "site": "https://x.org/"}}, "no file URLs"),
        ({"rt": {"deps": "javascript:alert(1)"}}, "no javascript URLs"),
        ({"rt": {"deps": "../rt/deps.json"}}, "give 'rt' a \"site\""),
        ({"rt": {"deps": "https://x.org/deps.json", "site": "javascript:x"}}, "site that is an http(s) URL"),
        ({"rt": {"deps": "https://x.org/deps.json", "token": "s3cret"}}, 'only "deps" and "site"'),
        ({"rt": "https://x.org/deps.json"}, 'a table with "deps"'),
    ],
)
def test_bad_sources_setting(value: dict[str, object], problem: str) -> None:
    with pytest.raises(ConfigError, match=None) as raised:
        DepConfig(sources=value)  # type: ignore[arg-type]
    assert problem in str(raised.value)


def test_site_defaults_to_the_folder_of_deps_json() -> None:
    (spec,) = sources.specs({"rt": {"deps": "https://x.org/proposals/deps.json"}})
    assert spec.site == "https://x.org/proposals/"


# --------------------------------------------------------------------------------------
# Reading a deps.json: the schema version, and every value judged
# --------------------------------------------------------------------------------------


def test_a_newer_schema_version_is_reported_not_misread() -> None:
    with pytest.raises(sources.Unreadable, match="schema version 3, newer than this sphinxcontrib-dep reads"):
        parse(document(record(), version=3))


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"<html>", "is not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "is not JSON"),
        (b"\xff\xfe", "is not JSON"),
        (b'{"deps": []}', "no schema_version"),
        (b'{"schema_version": true, "deps": []}', "not a version"),
        (b'{"schema_version": 1, "deps": {}}', "no list of proposals"),
    ],
)
def test_what_is_no_deps_json(data: bytes, why: str) -> None:
    with pytest.raises(sources.Unreadable, match=why):
        parse(data)


def test_hostile_values_are_judged_like_a_proposals() -> None:
    source, skipped = parse(
        document(
            record(
                title="Sched\u202euler\x1b[31m <script>alert(1)</script>",
                pull_request="javascript:alert(1)",
                implementation=[
                    "https://good.example/pr/1",
                    "data:text/html,x",
                    "https://a.example:x@evil.example/",
                ],
                replaces=["javascript:alert(1)", "https://ok.example/x", "DEP-0002 (partial)"],
                authors=["x" * 10_000],
                page="../../../etc/passwd",
                status="Approved<img>",
            ),
            record(id="DEP-0002", number=2, path="deps/0002-x.md", page="javascript:alert(1)//x.html"),
            record(id="DEP-0006", number=6, path="../../x.md", page="//evil.example/"),
            record(id="DEP-0003", number=4, path="deps/0003-x.md"),
            record(id="<b>DEP-0005</b>", number=5, path="deps/0005-x.md"),
            "not an object",
        )
    )
    first = source.by_number[1]
    # Markup stays text (escaped where it is written); control and bidi characters are gone.
    assert first.title == "Scheduler[31m <script>alert(1)</script>"
    assert first.pull_request is None
    assert [link.url for link in first.implementation] == ["https://good.example/pr/1"]
    assert first.replaces == [DepRef(url="https://ok.example/x"), DepRef(number=2, partial=True)]
    assert len(first.authors[0].display) == sources.SHORT_TEXT
    assert first.status is None
    # A page that leaves the site (or is no plain path) gives no link: the one from the path is used.
    assert first.url == "https://runtime.example.org/deps/0001-scheduler.html#DEP-0001"
    assert source.by_number[2].url == "https://runtime.example.org/deps/0002-x.html#DEP-0002"
    assert source.by_number[6].url is None  # neither gives a page under the site
    assert sorted(source.by_number) == [1, 2, 6]
    assert skipped == [
        "entry 3: id 'DEP-0003' is not a proposal id matching its number",
        "entry 4: id '<b>DEP-0005</b>' is not a proposal id matching its number",
        "entry 5 is not an object",
    ]


def test_references_to_other_projects_are_mapped_by_site() -> None:
    """The file names its sources under its own keys; this build knows them by their sites."""
    data = document(
        record(
            replaced_by=["srv:DEP-0007", "me:DEP-0002", "elsewhere:DEP-0001"],
            implementation=["srv:DEP-0003"],
        ),
        sources={"srv": "https://serving.example.org/", "me": "https://platform.example.org/"},
    )
    sites = {"runtime": SPEC.site, "serving": "https://SERVING.example.org"}
    source, _ = parse(data, sites=sites, self_site="https://platform.example.org/")
    dep = source.by_number[1]
    assert dep.replaced_by == [
        DepRef(project="serving", project_id="DEP-0007", project_number=7),
        DepRef(project="", project_id="DEP-0002", project_number=2),
    ]
    assert dep.implementation == [Link("serving:DEP-0003", project="serving", number=3)]


def test_records_past_the_bound_are_left_out_and_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_RECORDS", 2)
    records = [record(id=f"DEP-{n:04d}", number=n, path=f"deps/{n:04d}-x.md") for n in range(1, 5)]
    source, skipped = parse(document(*records))
    assert sorted(source.by_number) == [1, 2]
    assert skipped == ["2 proposals past the first 2"]


def test_external_needs_are_made_from_the_judged_records() -> None:
    source, _ = parse(document(record(title="A <b>", replaces=["DEP-0009"])))
    needs = sources.needs_document(source)["versions"][""]["needs"]
    assert needs == {
        "DEP-0001": {
            "id": "DEP-0001",
            "type": "dep",
            "title": "A <b>",
            "status": Status.APPROVED.value,
            "docname": "deps/0001-scheduler",
            "number": 1,
            "category": None,
            "authors": ["@ada"],
            "replaces": [],  # DEP-0009 is not in the file: no dangling link
            "replaced_by": [],
        }
    }
    assert sources.need_id_prefix("ml_serving") == "ML-SERVING-"


# --------------------------------------------------------------------------------------
# Fetching: timeouts, size, redirects, paths; the cache
# --------------------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}  # noqa: RUF012

    def do_GET(self) -> None:
        status, headers, body = self.routes.get(self.path, (404, {}, b"no"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, tuple[int, dict[str, str], bytes]]]]:
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_no_redirect_to_file(server: tuple[str, dict], tmp_path: Path) -> None:
    url, routes = server
    secret = tmp_path / "secret.json"
    secret.write_bytes(document(record()))
    routes["/deps.json"] = (302, {"Location": f"file://{secret}"}, b"")
    routes["/hop.json"] = (302, {"Location": "/deps.json"}, b"")
    for path in ("/deps.json", "/hop.json"):
        # Refused by urllib's own check, and by ours should a redirect get past it.
        with pytest.raises(sources.Unreadable, match=r"file:.*(is not allowed|refused)"):
            sources.fetch_url(url + path, timeout=5)
    # Our own handler refuses what urllib's would let through (ftp:), and any other scheme.
    for target in ("ftp://example.org/deps.json", "data:application/json,{}", "file:///etc/passwd"):
        with pytest.raises(sources.Unreadable, match="which is not http"):
            sources._HttpOnlyRedirects().redirect_request(None, None, 302, "Found", {}, target)


def test_size_is_bounded(server: tuple[str, dict]) -> None:
    url, routes = server
    routes["/big.json"] = (200, {}, b" " * 3_000_000)
    with pytest.raises(sources.Unreadable, match="is larger than 2 MB"):
        sources.fetch_url(url + "/big.json", timeout=5, limit=2 * 1024 * 1024)


def test_a_path_source_stays_inside_the_project(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "_sources").mkdir(parents=True)
    (project / "_sources" / "rt.json").write_bytes(document(record()))
    (tmp_path / "outside.json").write_bytes(document(record()))
    (project / "_sources" / "link.json").symlink_to(tmp_path / "outside.json")
    assert sources.read_path("_sources/rt.json", project) == document(record())
    for path in ("../outside.json", "_sources/link.json", "/etc/passwd"):
        with pytest.raises(sources.Unreadable, match="a path source must be inside the project"):
            sources.read_path(path, project)


def test_the_last_good_copy_is_used_and_said_once(server: tuple[str, dict], tmp_path: Path) -> None:
    url, routes = server
    setting = {"rt": {"deps": f"{url}/deps.json"}}

    def load(offline: bool = False) -> sources.Registry:
        return sources.load(
            setting, base=tmp_path, cache=tmp_path / "cache", timeout=5, offline=offline, where=("conf.py", 3)
        )

    assert [d.format() for d in load(offline=True).diagnostics] == [
        f"conf.py:3: source 'rt' ({url}/deps.json) has no copy kept (--offline reads only the cache); "
        "no copy is kept, so its proposals are unknown to this build [dep.source]"
    ]
    routes["/deps.json"] = (200, {}, document(record()))
    fresh = load()
    assert fresh.diagnostics == [] and not fresh.sources["rt"].from_cache
    # A newer version served later: reported, and the good copy kept and used.
    routes["/deps.json"] = (200, {}, document(record(title="Changed"), version=9))
    again = load()
    (diagnostic,) = again.diagnostics
    assert "is deps.json schema version 9, newer than" in diagnostic.message
    assert "; using the copy fetched 20" in diagnostic.message
    assert again.sources["rt"].by_number[1].title == "Scheduler"
    assert load(offline=True).diagnostics == []
    # The copy belongs to its address: another address for the key does not use it.
    setting["rt"]["deps"] = f"{url}/other.json"
    assert load(offline=True).sources == {}


# --------------------------------------------------------------------------------------
# Hostile servers: slow, malformed (a raw socket, so anything can be sent)
# --------------------------------------------------------------------------------------


@pytest.fixture
def raw_server() -> Iterator[tuple[str, dict[str, object]]]:
    """A server that answers each connection with ``state["answer"](connection, state)``."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    state: dict[str, object] = {"stop": False, "answered": threading.Event()}

    def serve() -> None:
        while not state["stop"]:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(10)
                request = b""
                while b"\r\n\r\n" not in request:
                    data = connection.recv(4096)
                    if not data:
                        break
                    request += data
                answer = state["answer"]
                assert callable(answer)
                try:
                    answer(connection, state)
                except OSError:
                    state["client_left"] = True
            answered = state["answered"]
            assert isinstance(answered, threading.Event)
            answered.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", state
    finally:
        state["stop"] = True
        thread.join()
        listener.close()


def _drip(head: bytes, body: bytes) -> object:
    def answer(connection: socket.socket, state: dict[str, object]) -> None:
        connection.sendall(head)
        for byte in body:
            connection.sendall(bytes([byte]))
            time.sleep(0.02)
        state["dripped_all"] = True

    return answer


@pytest.mark.parametrize(
    ("head", "body"),
    [
        # The body one byte at a time (each byte used to restart the socket's timeout).
        (b"HTTP/1.0 200 OK\r\n\r\n", b" " * 200 + document()),
        # The headers one byte at a time.
        (b"HTTP/1.0 200 OK\r\n", b"X-Slow: " + b"a" * 200 + b"\r\n\r\n"),
    ],
    ids=["body", "headers"],
)
def test_a_slow_source_meets_one_deadline(
    raw_server: tuple[str, dict[str, object]], tmp_path: Path, head: bytes, body: bytes
) -> None:
    url, state = raw_server
    state["answer"] = _drip(head, body)
    registry = sources.load(
        {"slow": {"deps": f"{url}/deps.json"}},
        base=tmp_path,
        cache=tmp_path / "cache",
        timeout=0.5,
        where=("conf.py", 3),
    )
    assert [d.format() for d in registry.diagnostics] == [
        f"conf.py:3: source 'slow' ({url}/deps.json) took more than 0.5 s; "
        "no copy is kept, so its proposals are unknown to this build [dep.source]"
    ]
    # Cut off at the deadline: the server never got to send its last byte.
    answered = state["answered"]
    assert isinstance(answered, threading.Event) and answered.wait(30)
    assert state.get("client_left") and "dripped_all" not in state


def _send(raw: bytes) -> object:
    def answer(connection: socket.socket, _state: dict[str, object]) -> None:
        connection.sendall(raw)

    return answer


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (
            b"HTTP/1.0 200 OK\r\n" + b"X-A: a\r\n" * 200 + b"\r\n{}",
            "sent a malformed HTTP response (HTTPException)",
        ),
        (b"garbage\r\n\r\n", "sent a malformed HTTP response (BadStatusLine)"),
        (
            b"HTTP/1.0 200 OK\r\nX-A: " + b"a" * 70_000 + b"\r\n\r\n",
            "sent a malformed HTTP response (LineTooLong)",
        ),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{}", "ended 98 bytes before its Content-Length"),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "sent a malformed HTTP response (IncompleteRead)",
        ),
        (b"", "sent a malformed HTTP response (RemoteDisconnected)"),
    ],
    ids=["headers", "status", "long-line", "short-body", "bad-chunk", "nothing"],
)
def test_a_malformed_response_is_an_unreachable_source(
    raw_server: tuple[str, dict[str, object]], tmp_path: Path, raw: bytes, why: str
) -> None:
    url, state = raw_server
    state["answer"] = _send(raw)
    registry = sources.load(
        {"bad": {"deps": f"{url}/deps.json"}},
        base=tmp_path,
        cache=tmp_path / "cache",
        timeout=5,
        where=("conf.py", 3),
    )
    assert [d.format() for d in registry.diagnostics] == [
        f"conf.py:3: source 'bad' ({url}/deps.json) {why}; "
        "no copy is kept, so its proposals are unknown to this build [dep.source]"
    ]


# --------------------------------------------------------------------------------------
# Redirects: never https -> http, never to an internal address the configuration did not name
# --------------------------------------------------------------------------------------


def test_no_redirect_from_https_to_http() -> None:
    request = urllib.request.Request("https://runtime.example.org/deps.json")
    with pytest.raises(sources.Unreadable, match=r"redirected from https to 'http://runtime\.example\.org/x"):
        sources._HttpOnlyRedirects().redirect_request(
            request, None, 302, "Found", {}, "http://runtime.example.org/x.json"
        )
    # https -> https, and http -> http, are followed.
    followed = sources._HttpOnlyRedirects().redirect_request(
        request, None, 302, "Found", {}, "https://mirror.example.org/deps.json"
    )
    assert followed.full_url == "https://mirror.example.org/deps.json"


@pytest.mark.parametrize(
    ("address", "internal"),
    [
        ("127.0.0.1", True),
        ("169.254.169.254", True),
        ("10.1.2.3", True),
        ("192.168.0.1", True),
        ("::1", True),
        ("fe80::1%eth0", True),
        ("::ffff:127.0.0.1", True),
        ("0.0.0.0", True),
        ("93.184.216.34", False),
        ("2606:2800:220:1:248:1893:25c8:1946", False),
    ],
)
def test_internal_addresses(address: str, internal: bool) -> None:
    assert sources._internal(address) is internal


def test_a_redirect_to_an_internal_address_is_refused(
    server: tuple[str, dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, routes = server
    routes["/deps.json"] = (200, {}, document(record()))
    routes["/hop.json"] = (302, {"Location": "/deps.json"}, b"")
    # Configured directly as a loopback address, it is read, and so is a redirect within it.
    assert sources.fetch_url(url + "/deps.json", timeout=5) == document(record())
    assert sources.fetch_url(url + "/hop.json", timeout=5) == document(record())
    # Seen as a public site (127.0.0.1 stands in for one), its redirect to an internal
    # address (the same server, through 127.0.0.2 here) is refused.
    inner = http.server.ThreadingHTTPServer(("127.0.0.2", 0), type("Inner", (_Handler,), {"routes": routes}))
    thread = threading.Thread(target=inner.serve_forever, daemon=True)
    thread.start()
    try:
        port = inner.server_address[1]
        routes["/away.json"] = (302, {"Location": f"http://127.0.0.2:{port}/deps.json"}, b"")
        assert sources.fetch_url(url + "/away.json", timeout=5) == document(record())
        monkeypatch.setattr(sources, "_internal", lambda address: address != "127.0.0.1")
        registry = sources.load(
            {"rt": {"deps": f"{url}/away.json"}}, base=tmp_path, cache=tmp_path / "cache", timeout=5
        )
        assert [d.format() for d in registry.diagnostics] == [
            f"<unknown>: source 'rt' ({url}/away.json) redirected to an internal address (127.0.0.2); refused; "
            "no copy is kept, so its proposals are unknown to this build [dep.source]"
        ]
    finally:
        inner.shutdown()
        inner.server_close()
        thread.join()


# --------------------------------------------------------------------------------------
# The cache folder: a real folder inside the project
# --------------------------------------------------------------------------------------


def test_the_cache_is_not_followed_out_of_the_project(server: tuple[str, dict], tmp_path: Path) -> None:
    url, routes = server
    routes["/deps.json"] = (200, {}, document(record()))
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / ".dep-sources").symlink_to(elsewhere)
    for cache in (project / ".dep-sources", project / ".." / "elsewhere"):
        registry = sources.load(
            {"rt": {"deps": f"{url}/deps.json"}}, base=project, cache=cache, timeout=5, where=("conf.py", 3)
        )
        (diagnostic,) = registry.diagnostics
        assert diagnostic.format().startswith("conf.py:3: dep_sources_cache ")
        assert diagnostic.format().endswith("; no copy of any source is read or kept [dep.source]")
        assert registry.cache is None and "rt" in registry.sources  # read, not kept
    assert list(elsewhere.iterdir()) == []
    # A folder inside the project (through a link that stays inside) is used.
    (project / "real").mkdir()
    (project / "inner").symlink_to(project / "real")
    registry = sources.load(
        {"rt": {"deps": f"{url}/deps.json"}}, base=project, cache=project / "inner", timeout=5
    )
    assert registry.diagnostics == [] and registry.cache == (project / "real").resolve()
    assert sorted(p.name for p in (project / "real").iterdir()) == ["rt.deps.json", "rt.source.json"]
