"""Other projects' proposals: ``dep_sources``, fetching and caching their ``deps.json``, reading it.

A source is another project's published ``deps.json`` (an http(s) URL, or a path inside
this project) and its site's address. :func:`load` fetches each once, with a timeout and
a size bound, keeps the last good copy on disk, and falls back to it when the site cannot
be reached or serves something this version cannot read: one located diagnostic per
source, never a stopped build. The build and ``dep lint`` both call :func:`load`.

What another project publishes is untrusted exactly like a proposal: every record is
read field by field into a :class:`~.model.Dep`, text cleaned of control characters and
bounded, every link judged by :func:`.sanitize.header_url_problem`, the page address built
only from the configured site and a relative path of plain characters. Nothing of it
reaches a link, a file name, markup or a command unjudged.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import ipaddress
import json
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import files, report, sanitize
from .diagnostics import Code, Diagnostic
from .model import (
    PROJECT_KEY_RE,
    Dep,
    DepRef,
    Link,
    Person,
    Reviewer,
    ReviewStatus,
    Status,
    format_id,
    parse_id,
    split_project_ref,
)

#: ``deps.json`` schema versions this release reads; a newer one is reported, not guessed at.
READABLE_VERSIONS = report.READABLE_SCHEMA_VERSIONS
#: The most bytes one source may be (10,000 proposals take about 10 MB).
MAX_BYTES = 64 * 1024 * 1024
#: The most proposals read from one source; the rest are left out, and said so.
MAX_RECORDS = 100_000
#: Characters kept of a title (and of a name, a category: :data:`SHORT_TEXT`).
TITLE_TEXT = 500
SHORT_TEXT = 200
#: Items kept of one list (authors, replacements, implementation links).
LIST_ITEMS = 100
#: Redirects followed, each to http(s) only.
MAX_REDIRECTS = 5
#: Bytes asked of the socket at once (a read returns what has arrived, at most this).
_READ_SIZE = 1 << 16

_ID_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]{0,15}?)([0-9]{1,9})\Z", re.ASCII)
#: A page of the other site, relative to its address: plain path characters, no ``..``.
_PAGE_RE = re.compile(r"^[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*/?\Z", re.ASCII)
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z", re.ASCII)
_UNSHOWN_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


# --------------------------------------------------------------------------------------
# The setting
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSpec:
    """One entry of ``dep_sources``: where its ``deps.json`` is, and its site's address."""

    key: str
    deps: str
    site: str

    @property
    def is_url(self) -> bool:
        return sanitize.url_scheme(self.deps) in {"http", "https"}


def spec_problem(key: Any, spec: Any) -> str | None:
    """What is wrong with one ``dep_sources`` entry, as the rest of "dep_sources must ..."."""
    if not isinstance(key, str) or not PROJECT_KEY_RE.match(key):
        return f"have keys of lower-case letters, digits, - and _ (runtime, ml-serving), not {key!r}"
    if not isinstance(spec, Mapping) or not isinstance(spec.get("deps"), str) or not spec["deps"].strip():
        return f'give each source a table with "deps" (the URL or path of its deps.json), not {spec!r} for {key!r}'
    unknown = sorted(set(spec) - {"deps", "site"})
    if unknown:
        return f'give {key!r} only "deps" and "site", not {", ".join(map(repr, unknown))}'
    deps = spec["deps"].strip()
    scheme = sanitize.url_scheme(deps)
    if scheme in {"http", "https"}:
        problem = sanitize.header_url_problem(deps)
        if problem:
            return f"give {key!r} a deps address that is a plain http(s) URL: {deps!r} {problem}"
    elif scheme is not None or deps.startswith("//"):
        return f"give {key!r} an http(s) URL or a path for deps, not {deps!r} (no {scheme or 'scheme-less'} URLs)"
    site = spec.get("site")
    if site is None and scheme is None:
        return f'give {key!r} a "site" (the address its pages are published at): its deps is a path'
    if site is not None:
        if not isinstance(site, str) or sanitize.url_scheme(site) not in {"http", "https"}:
            return f"give {key!r} a site that is an http(s) URL, not {site!r}"
        problem = sanitize.header_url_problem(site)
        if problem or "?" in site or "#" in site:
            return f"give {key!r} a site address without query or fragment: {site!r} {problem or ''}".rstrip()
    return None


def _folder_of(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/"


def specs(sources: Mapping[str, Mapping[str, str]]) -> list[SourceSpec]:
    """The sources of ``dep_sources`` (already judged by :func:`spec_problem`), by key."""
    found = []
    for key in sorted(sources):
        spec = sources[key]
        deps = spec["deps"].strip()
        site = (spec.get("site") or _folder_of(deps)).strip()
        found.append(SourceSpec(key, deps, site if site.endswith("/") else site + "/"))
    return found


def same_site(a: str | None, b: str | None) -> bool:
    """Whether two site addresses name one site (case of the host and a final ``/`` aside)."""
    if not a or not b:
        return False

    def norm(url: str) -> str:
        scheme, _, rest = url.strip().partition("://")
        host, _, path = rest.partition("/")
        return f"{scheme.lower()}://{host.lower()}/{path.rstrip('/')}"

    return norm(a) == norm(b)


# --------------------------------------------------------------------------------------
# What one source holds
# --------------------------------------------------------------------------------------


@dataclass
class Source:
    """Another project's proposals, read from its ``deps.json``."""

    spec: SourceSpec
    deps: list[Dep]
    prefix: str = "DEP-"
    width: int = 4
    #: The file's own ``sources`` table (its keys -> their sites), to map its references.
    names: dict[str, str] = field(default_factory=dict)
    #: When the copy used was fetched (ISO 8601), and whether it is the cached one.
    fetched: str = ""
    from_cache: bool = False
    digest: str = ""
    by_number: dict[int, Dep] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.spec.key

    def format_id(self, number: int) -> str:
        return format_id(number, self.prefix, self.width)

    def ref_text(self, number: int) -> str:
        """``runtime:DEP-0012``."""
        return f"{self.key}:{self.format_id(number)}"


@dataclass
class Registry:
    """Every configured source: those read, and the problems of the others."""

    keys: tuple[str, ...] = ()
    sources: dict[str, Source] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Seconds spent fetching and reading (shown apart by the benchmark).
    seconds: float = 0.0
    #: This project's own site (``dep_base_url``), to know itself in others' files.
    self_site: str = ""
    #: The cache folder, resolved and inside the project; ``None`` when it is not (nothing kept).
    cache: Path | None = None

    def digest(self) -> str:
        """One value that changes whenever any source's content does."""
        return hashlib.sha256(
            "|".join(f"{k}={s.digest}" for k, s in sorted(self.sources.items())).encode()
        ).hexdigest()

    def find(self, key: str, number: int) -> tuple[Source, Dep] | None:
        source = self.sources.get(key)
        if source is None:
            return None
        dep = source.by_number.get(number)
        return (source, dep) if dep is not None else None

    def lookup(self, text: str) -> tuple[Source, Dep] | None:
        """The proposal ``runtime:DEP-0012`` names, if its source is read and holds it."""
        parts = split_project_ref(text)
        return self.find(parts[0], parts[2]) if parts else None

    def all_deps(self) -> list[Dep]:
        return [dep for key in sorted(self.sources) for dep in self.sources[key].deps]


# --------------------------------------------------------------------------------------
# Fetching, with a timeout, a size bound, and redirects to http(s) only
# --------------------------------------------------------------------------------------


class Unreadable(Exception):
    """A source that cannot be fetched or read; the message says why, for a diagnostic."""


class _Deadline:
    """One overall deadline for a whole fetch: connect, request, headers, body and redirects."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.end = time.monotonic() + timeout

    def remaining(self) -> float:
        """Seconds left; ``Unreadable`` once none are."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise Unreadable(f"took more than {self.timeout:g} s")
        return left


class _DeadlineSocket:
    """A connected socket whose every receive and send waits at most what is left of the deadline.

    ``http.client`` reads the status line, the headers and the body through
    :meth:`makefile`; each ``recv_into`` here returns what has arrived (at most a buffer),
    so a server that drips one byte at a time meets the deadline, not a per-read timeout.
    """

    def __init__(self, sock: socket.socket, deadline: _Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        self._sock.settimeout(self._deadline.remaining())
        return self._sock.recv_into(buffer, nbytes, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._sock.settimeout(self._deadline.remaining())
        self._sock.sendall(data, flags)

    def makefile(self, *_args: Any, **_kwargs: Any) -> Any:
        self._sock._io_refs += 1  # type: ignore[attr-defined]  # as socket.makefile does
        return io.BufferedReader(socket.SocketIO(self, "rb"), _READ_SIZE)  # type: ignore[arg-type]


def _internal(address: str) -> bool:
    """Whether an IP address is no public one: loopback, link-local, private, reserved."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global


class _Fetch:
    """The state of one fetch: its deadline, and whether its configured address is internal."""

    def __init__(self, timeout: float) -> None:
        self.deadline = _Deadline(timeout)
        #: ``None`` until the first connection (to the configured URL) is made.
        self.internal_allowed: bool | None = None

    def connected(self, sock: socket.socket) -> None:
        """Judge the address a connection reached: an internal one only if the configured URL is."""
        try:
            address = str(sock.getpeername()[0])
        except (OSError, IndexError):
            return
        if self.internal_allowed is None:
            self.internal_allowed = _internal(address)
        elif _internal(address) and not self.internal_allowed:
            raise Unreadable(f"redirected to an internal address ({address}); refused")


def _connection(base: type[http.client.HTTPConnection], fetch: _Fetch) -> Any:
    class Connection(base):  # type: ignore[valid-type,misc]
        def connect(self) -> None:
            self.timeout = fetch.deadline.remaining()
            super().connect()
            sock: Any = self.sock  # type: ignore[has-type]
            fetch.connected(sock)
            self.sock = _DeadlineSocket(sock, fetch.deadline)

    return Connection


class _HttpHandler(urllib.request.HTTPHandler):
    def __init__(self, fetch: _Fetch) -> None:
        super().__init__()
        self._fetch = fetch

    def http_open(self, req: Any) -> Any:
        return self.do_open(_connection(http.client.HTTPConnection, self._fetch), req)


class _HttpsHandler(urllib.request.HTTPSHandler):
    def __init__(self, fetch: _Fetch) -> None:
        super().__init__()
        self._fetch = fetch

    def https_open(self, req: Any) -> Any:
        return self.do_open(
            _connection(http.client.HTTPSConnection, self._fetch),
            req,
            context=self._context,  # type: ignore[attr-defined]
        )


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        scheme = sanitize.url_scheme(newurl)
        if scheme not in {"http", "https"}:
            raise Unreadable(f"redirected to {newurl[:80]!r}, which is not http(s); refused")
        if scheme == "http" and req is not None and sanitize.url_scheme(req.full_url) == "https":
            raise Unreadable(f"redirected from https to {newurl[:80]!r}, which is not https; refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(fetch: _Fetch) -> urllib.request.OpenerDirector:
    """An opener that speaks http(s) only: no file:, ftp: or data: handler, even after a redirect."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        _HttpHandler(fetch),
        _HttpsHandler(fetch),
        urllib.request.HTTPDefaultErrorHandler(),
        _HttpOnlyRedirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def fetch_url(url: str, timeout: float, limit: int = MAX_BYTES) -> bytes:
    """The bytes at ``url`` (http(s) only), in at most ``timeout`` seconds and ``limit`` bytes.

    One deadline holds the whole fetch, redirects included: each receive waits at most
    what is left of it and returns what has arrived, so a server that sends slowly is cut
    off at ``timeout`` however it paces its bytes. (Name resolution is the system's.)
    Redirects go to http(s) only, never from https to http, and to an internal address
    (loopback, link-local, private) only when the configured URL is one.
    """
    fetch = _Fetch(timeout)
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "sphinxcontrib-dep"}
    )
    try:
        with _opener(fetch).open(request, timeout=timeout) as response:
            chunks: list[bytes] = []
            size = 0
            while True:
                fetch.deadline.remaining()
                chunk = response.read1(_READ_SIZE)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise Unreadable(f"is larger than {limit // (1024 * 1024)} MB")
                chunks.append(chunk)
            if response.length:  # what Content-Length promised and never came
                raise Unreadable(f"ended {response.length} bytes before its Content-Length")
            return b"".join(chunks)
    except Unreadable:
        raise
    except urllib.error.HTTPError as err:
        raise Unreadable(f"HTTP {err.code} {clean(str(err.reason), 200)}") from None
    except urllib.error.URLError as err:
        if isinstance(err.reason, TimeoutError):
            raise Unreadable(f"took more than {timeout:g} s") from None
        raise Unreadable(f"cannot be reached ({clean(str(err.reason), 120)})") from None
    except TimeoutError:
        raise Unreadable(f"took more than {timeout:g} s") from None
    except http.client.HTTPException as err:
        raise Unreadable(f"sent a malformed HTTP response ({type(err).__name__})") from None
    except (OSError, ValueError) as err:
        raise Unreadable(f"cannot be fetched ({type(err).__name__}: {clean(str(err), 120)})") from None


def read_path(path: str, base: Path, limit: int = MAX_BYTES) -> bytes:
    """A source given as a path: relative to ``base``, and inside it (symlinks followed first)."""
    target = (base / path).resolve()
    try:
        target.relative_to(base.resolve())
    except ValueError:
        raise Unreadable(f"is outside {base} (a path source must be inside the project)") from None
    if not target.is_file():
        raise Unreadable("is not a file")
    try:
        with target.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as err:
        raise Unreadable(f"cannot be read ({err.strerror})") from None
    if len(data) > limit:
        raise Unreadable(f"is larger than {limit // (1024 * 1024)} MB")
    return data


# --------------------------------------------------------------------------------------
# Reading one deps.json: every value judged
# --------------------------------------------------------------------------------------


def clean(value: object, limit: int = SHORT_TEXT) -> str:
    """Text as shown: control, bidirectional and invisible characters dropped, at most ``limit``."""
    text = _UNSHOWN_RE.sub("", value if isinstance(value, str) else "")
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _strings(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value[:LIST_ITEMS] if isinstance(item, str)]


def _url(value: object) -> str | None:
    if not isinstance(value, str) or sanitize.url_scheme(value) not in {"http", "https"}:
        return None
    return value if sanitize.header_url_problem(value) is None else None


def _date(value: object) -> date | None:
    if isinstance(value, str) and _DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


class _Reader:
    """Reads the records of one source's ``deps.json`` (see :func:`parse`)."""

    def __init__(
        self, spec: SourceSpec, names: dict[str, str], sites: Mapping[str, str], self_site: str
    ) -> None:
        self.spec = spec
        self.names = names
        #: This build's sources: key -> site.
        self.sites = dict(sites)
        self.self_site = self_site
        self.prefix: str | None = None
        self.width = 4

    def project(self, key: str) -> str | None:
        """The key this build gives the project the source calls ``key`` ("" for this project)."""
        site = self.names.get(key)
        if site is not None:
            if same_site(site, self.self_site):
                return ""
            return next((k for k in sorted(self.sites) if same_site(self.sites[k], site)), None)
        # A file that does not say where its keys lead: the organisation's one naming.
        return key if key in self.sites else None

    def ref(self, text: str) -> DepRef | None:
        text = text.strip()
        partial = text.endswith("(partial)")
        if partial:
            text = text[: -len("(partial)")].strip()
        project = split_project_ref(text)
        if project is not None:
            key = self.project(project[0])
            if key is None:
                return None
            return DepRef(partial=partial, project=key, project_id=project[1], project_number=project[2])
        number = parse_id(text, None)
        if number:
            return DepRef(number=number, partial=partial)
        url = _url(text)
        return DepRef(url=url, partial=partial) if url else None

    def link(self, text: str) -> Link | None:
        project = split_project_ref(text)
        if project is not None:
            key = self.project(project[0])
            if key is None:
                return None
            return Link(f"{key}:{project[1]}" if key else project[1], project=key, number=project[2])
        url = _url(text)
        return Link(url) if url else None

    def page(self, record: Mapping[str, Any]) -> str | None:
        """The proposal's page under the site: its ``page``, else its ``path`` as Sphinx's
        HTML builder names pages; only plain relative paths that stay under the site."""
        path = record.get("path")
        candidates = [
            record.get("page"),
            re.sub(r"\.(md|rst)\Z", ".html", path) if isinstance(path, str) else None,
        ]
        for page in candidates:
            if isinstance(page, str) and _PAGE_RE.match(page) and not {".", ".."} & set(page.split("/")):
                return page
        return None

    def dep(self, record: object, index: int) -> Dep | str:
        """One record as a proposal, or why it is left out."""
        if not isinstance(record, dict):
            return f"entry {index} is not an object"
        raw_id, number = record.get("id"), record.get("number")
        if raw_id is None or number is None:
            return f"entry {index} has no id and number (a draft)"
        if not isinstance(raw_id, str) or not isinstance(number, int) or isinstance(number, bool):
            return f"entry {index} has an id or number of the wrong type"
        match = _ID_RE.match(raw_id)
        if match is None or int(match.group(2)) != number or number < 1:
            return f"entry {index}: id {clean(raw_id, 40)!r} is not a proposal id matching its number"
        prefix, width = match.group(1), len(match.group(2))
        if self.prefix is None:
            self.prefix, self.width = prefix, width
        elif prefix != self.prefix:
            return f"entry {index}: id {raw_id!r} has another prefix than {self.prefix!r}"
        path = record.get("path")
        if not isinstance(path, str) or not path:
            return f"entry {index} ({raw_id}) has no path"
        page = self.page(record)
        url = None
        if page is not None:
            candidate = f"{self.spec.site}{page}#{quote(raw_id)}"
            url = candidate if sanitize.header_url_problem(candidate) is None else None
        status_text = record.get("status")
        status = next((s for s in Status if s.value == status_text), None)
        reviewers = []
        raw_reviewers = record.get("reviewers")
        for item in raw_reviewers[:LIST_ITEMS] if isinstance(raw_reviewers, list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                review = ReviewStatus.lookup(item["status"]) if isinstance(item.get("status"), str) else None
                reviewers.append(Reviewer(Person(clean(item["name"])), review or ReviewStatus.NOT_STARTED))
        category = record.get("category")
        return Dep(
            title=clean(record.get("title"), TITLE_TEXT),
            number=number,
            status=status,
            authors=[Person(clean(name)) for name in _strings(record.get("authors"))],
            category=clean(category) if isinstance(category, str) else None,
            sponsors=[Person(clean(name)) for name in _strings(record.get("sponsors"))],
            reviewers=reviewers,
            review_date=_date(record.get("review_date")),
            replaces=[r for t in _strings(record.get("replaces")) if (r := self.ref(t))],
            replaced_by=[r for t in _strings(record.get("replaced_by")) if (r := self.ref(t))],
            extends=[r for t in _strings(record.get("extends")) if (r := self.ref(t))],
            related=[r for t in _strings(record.get("related")) if (r := self.ref(t))],
            retroactive=record.get("retroactive") is True,
            pull_request=_url(record.get("pull_request")),
            implementation=[link for t in _strings(record.get("implementation")) if (link := self.link(t))],
            path=f"{self.spec.key}:{clean(path, 300)}",
            project=self.spec.key,
            url=url,
        )


def parse(
    data: bytes,
    spec: SourceSpec,
    *,
    sites: Mapping[str, str] | None = None,
    self_site: str = "",
) -> tuple[Source, list[str]]:
    """A source's ``deps.json`` read: the proposals, and what was left out (``Unreadable``
    when nothing can be read: not JSON, not a deps.json, a newer schema version)."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise Unreadable(f"is not JSON ({type(err).__name__})") from None
    if not isinstance(document, dict) or "schema_version" not in document:
        raise Unreadable("is not a deps.json (no schema_version)")
    version = document["schema_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Unreadable(f"has a schema_version that is not a version: {clean(repr(version), 40)}")
    if version > max(READABLE_VERSIONS):
        raise Unreadable(
            f"is deps.json schema version {version}, newer than this sphinxcontrib-dep reads "
            f"(up to {max(READABLE_VERSIONS)}); upgrade sphinxcontrib-dep to read it"
        )
    records = document.get("deps")
    if not isinstance(records, list):
        raise Unreadable('has no list of proposals ("deps")')
    raw_names = document.get("sources")
    names = {
        k: v
        for k, v in (raw_names.items() if isinstance(raw_names, dict) else ())
        if isinstance(k, str) and isinstance(v, str)
    }
    reader = _Reader(spec, names, sites or {spec.key: spec.site}, self_site)
    skipped: list[str] = []
    if len(records) > MAX_RECORDS:
        skipped.append(f"{len(records) - MAX_RECORDS} proposals past the first {MAX_RECORDS}")
    deps: list[Dep] = []
    by_number: dict[int, Dep] = {}
    for index, record in enumerate(records[:MAX_RECORDS]):
        result = reader.dep(record, index)
        if isinstance(result, str):
            if "(a draft)" not in result:
                skipped.append(result)
            continue
        assert result.number is not None
        if result.number in by_number:
            skipped.append(f"entry {index}: a second {result.number}")
            continue
        by_number[result.number] = result
        deps.append(result)
    source = Source(
        spec,
        deps,
        prefix=reader.prefix or "DEP-",
        width=reader.width,
        names=names,
        digest=hashlib.sha256(data).hexdigest(),
        by_number=by_number,
    )
    return source, skipped


# --------------------------------------------------------------------------------------
# The cache: the last good copy of each source
# --------------------------------------------------------------------------------------


def cache_paths(cache: Path, key: str) -> tuple[Path, Path]:
    """The cached ``deps.json`` of ``key`` and its note (where it came from, when)."""
    return cache / f"{key}.deps.json", cache / f"{key}.source.json"


def read_cache(cache: Path, spec: SourceSpec) -> tuple[bytes, str] | None:
    """The last good copy of ``spec`` and when it was fetched; ``None`` without one (or one of another address)."""
    data_path, note_path = cache_paths(cache, spec.key)
    try:
        note = json.loads(note_path.read_text(encoding="utf-8"))
        if not isinstance(note, dict) or note.get("deps") != spec.deps:
            return None
        return data_path.read_bytes(), str(note.get("fetched", ""))
    except (OSError, ValueError):
        return None


def write_cache(cache: Path, spec: SourceSpec, data: bytes, fetched: str) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    data_path, note_path = cache_paths(cache, spec.key)
    files.atomic_write(data_path, data)
    files.atomic_write(note_path, json.dumps({"deps": spec.deps, "fetched": fetched}) + "\n")


# --------------------------------------------------------------------------------------
# Loading every source
# --------------------------------------------------------------------------------------


def load(
    sources: Mapping[str, Mapping[str, str]],
    *,
    base: Path,
    cache: Path,
    timeout: float,
    offline: bool = False,
    self_site: str = "",
    where: tuple[str | None, int | None] = (None, None),
) -> Registry:
    """Every source of ``dep_sources``: fetched (unless ``offline``), checked, cached.

    A source that cannot be fetched or read gives one diagnostic at ``where`` (the
    setting's file and line) naming it, and its last good copy is used; without one, its
    proposals are unknown to this run. ``base`` is where path sources are and must stay.
    """
    started = time.monotonic()
    all_specs = specs(sources)
    registry = Registry(keys=tuple(spec.key for spec in all_specs), self_site=self_site)
    sites = {spec.key: spec.site for spec in all_specs}
    path, line = where

    def note(spec: SourceSpec, message: str) -> None:
        registry.diagnostics.append(
            Diagnostic(Code.SOURCE, f"source {spec.key!r} ({spec.deps}) {message}", path, line)
        )

    # The cache is written and read only as a folder inside the project: a symlink (a pull
    # request can commit one) or a path that leads out of it is refused, not followed.
    try:
        registry.cache = files.inside(base, cache) if all_specs else None
    except files.UnsafePath as err:
        registry.diagnostics.append(
            Diagnostic(
                Code.SOURCE, f"dep_sources_cache {err}; no copy of any source is read or kept", path, line
            )
        )

    for spec in all_specs:
        fresh: bytes | None = None
        problem = None
        if not offline:
            try:
                fresh = fetch_url(spec.deps, timeout) if spec.is_url else read_path(spec.deps, base)
            except Unreadable as err:
                problem = str(err)
        source = None
        skipped: list[str] = []
        if fresh is not None:
            try:
                source, skipped = parse(fresh, spec, sites=sites, self_site=self_site)
            except Unreadable as err:
                problem = str(err)
            else:
                source.fetched = datetime.now(UTC).replace(microsecond=0).isoformat()
                try:
                    if registry.cache is not None:
                        write_cache(registry.cache, spec, fresh, source.fetched)
                except OSError as err:
                    note(spec, f"was read, but its copy cannot be kept in {cache} ({err.strerror})")
        if source is None:
            cached = read_cache(registry.cache, spec) if registry.cache is not None else None
            if cached is not None:
                try:
                    source, skipped = parse(cached[0], spec, sites=sites, self_site=self_site)
                    source.fetched, source.from_cache = cached[1], True
                except Unreadable:
                    source = None
            if problem is not None or (offline and source is None):
                reason = problem or "has no copy kept (--offline reads only the cache)"
                kept = (
                    f"; using the copy fetched {source.fetched or 'earlier'}"
                    if source is not None
                    else "; no copy is kept, so its proposals are unknown to this build"
                )
                note(spec, reason + kept)
        if source is None:
            continue
        if skipped:
            shown = "; ".join(clean(s, 120) for s in skipped[:3])
            more = f" and {len(skipped) - 3} more" if len(skipped) > 3 else ""
            note(
                spec, f"has {len(skipped)} entr{'y' if len(skipped) == 1 else 'ies'} left out: {shown}{more}"
            )
        registry.sources[spec.key] = source
    registry.seconds = time.monotonic() - started
    return registry


def setting_line(conf_py: Path | None) -> int | None:
    """The line of ``conf.py`` that assigns ``dep_sources``, for the diagnostics' location."""
    if conf_py is None:
        return None
    try:
        for number, text in enumerate(conf_py.read_text(encoding="utf-8").splitlines(), start=1):
            if re.match(r"\s*dep_sources\s*[:=]", text):
                return number
    except (OSError, UnicodeDecodeError):
        return None
    return None


# --------------------------------------------------------------------------------------
# External needs: what sphinx-needs is given of a source
# --------------------------------------------------------------------------------------


def need_id_prefix(key: str) -> str:
    """The id prefix of a source's external needs: ``RUNTIME-`` (then ``RUNTIME-DEP-0012``)."""
    return key.upper().replace("_", "-") + "-"


def needs_document(source: Source) -> dict[str, Any]:
    """A ``needs.json`` of the source's proposals, built from what was judged above.

    sphinx-needs reads it as an external source (``needs_external_needs`` with
    ``json_path``), so its tables, filters and graphs can show them, marked external and
    linking out. Made here rather than fetched: the other project's own ``needs.json``
    would be a second untrusted file, read by a loader with no timeout or size bound.
    """
    needs: dict[str, dict[str, Any]] = {}
    for dep in source.deps:
        assert dep.number is not None
        need_id = source.format_id(dep.number)
        page = dep.url[len(source.spec.site) :].split("#", 1)[0] if dep.url else ""
        needs[need_id] = {
            "id": need_id,
            "type": "dep",
            "title": dep.title or need_id,
            "status": dep.status.value if dep.status else None,
            "docname": page.removesuffix(".html") if page.endswith(".html") else "",
            "number": dep.number,
            "category": dep.category,
            "authors": [p.display for p in dep.authors],
            "replaces": [source.format_id(r.number) for r in dep.replaces if r.number in source.by_number],
            "replaced_by": [
                source.format_id(r.number) for r in dep.replaced_by if r.number in source.by_number
            ],
        }
    return {"current_version": "", "project": source.key, "versions": {"": {"needs": needs}}}
