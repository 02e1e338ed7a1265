"""Settings, declared once: the ``dep_*`` Sphinx config values and ``[tool.dep]`` in pyproject.toml.

Each field of :class:`DepConfig` carries its type, default and help text. The Sphinx layer
loops over the fields to register ``dep_<name>``; the command line reads the same names
from ``[tool.dep]``; the docs' settings reference is generated from these declarations.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import (
    DEFAULT_CATEGORIES,
    UNKNOWN_STATUS,
    Status,
    Template,
    choice_key,
    format_id,
    normalize_key,
)

#: What ``dep_raw_html`` may be.
RAW_HTML_MODES = ("safe", "none", "all")


class ConfigError(ValueError):
    """A setting with a value of the wrong type or range."""


# --------------------------------------------------------------------------------------
# What a setting may hold: its type, read from text, and its validators
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueType:
    """The type of a setting: how docs and messages name it, what it accepts, how it is read from text.

    ``accepts`` is what Sphinx's ``add_config_value(types=...)`` is told (a list may come
    as a tuple from conf.py); ``holds`` judges a value once the settings are assembled;
    ``parse`` reads ``--config KEY=VALUE`` (a ``ValueError`` says what is wrong).
    """

    annotation: str
    described: str
    accepts: tuple[type, ...]
    holds: Callable[[Any], bool]
    parse: Callable[[str], Any]


def _parse_int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a whole number") from None


_TRUE = frozenset({"true", "yes", "1", "on"})
_FALSE = frozenset({"false", "no", "0", "off"})


def _parse_bool(raw: str) -> bool:
    lowered = raw.lower()
    if lowered not in _TRUE | _FALSE:
        raise ValueError(f"{raw!r} is not true or false")
    return lowered in _TRUE


def _parse_str_list(raw: str) -> list[str]:
    """A TOML list (``["a", "b"]``) or comma-separated words (``a, b``)."""
    if not raw.startswith("["):
        return [part.strip() for part in raw.split(",") if part.strip()]
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{raw!r} is not a TOML list: {err}") from None
    return value  # type: ignore[no-any-return]  # its items are judged by STR_LIST.holds


STR = ValueType("str", "str", (str,), lambda value: isinstance(value, str), str)
INT = ValueType(
    "int",
    "int",
    (int,),
    lambda value: isinstance(value, int) and not isinstance(value, bool),
    _parse_int,
)
BOOL = ValueType("bool", "bool", (bool,), lambda value: isinstance(value, bool), _parse_bool)
STR_LIST = ValueType(
    "list[str]",
    "list of str",
    (list, tuple),
    lambda value: isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value),
    _parse_str_list,
)


def _parse_table(raw: str) -> dict[str, Any]:
    """A TOML inline table: ``{Architecture = ["@ana"]}``, ``{runtime = {deps = "https://..."}}``;
    what it holds is judged by the setting's type (``holds``) and validator."""
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{raw!r} is not a TOML inline table: {err}") from None
    if not isinstance(value, dict):
        raise ValueError(f"{raw!r} is not a TOML inline table")
    return value


PEOPLE_TABLE = ValueType(
    "dict[str, list[str]]",
    "dict of str to list of str",
    (dict,),
    lambda value: (
        isinstance(value, dict)
        and all(
            isinstance(key, str)
            and isinstance(items, list)
            and all(isinstance(i, str) and i.strip() for i in items)
            for key, items in value.items()
        )
    ),
    _parse_table,
)


AREA_TABLE = ValueType(
    "dict[str, dict[str, Any]]",
    "dict of area key to table",
    (dict,),
    lambda value: isinstance(value, dict) and all(isinstance(item, dict) for item in value.values()),
    _parse_table,
)


STR_TABLE = ValueType(
    "dict[str, str]",
    "dict of str to str",
    (dict,),
    lambda value: (
        isinstance(value, dict)
        and all(isinstance(key, str) and isinstance(item, str) for key, item in value.items())
    ),
    _parse_table,
)


def _nested_repetition(pattern: str) -> bool:
    """Whether ``pattern`` repeats something that itself repeats (``(a+)+``, ``(a*b?)*``): the
    shape whose backtracking on a proposal's text can take exponential time."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    def walk(items: Any, inside: bool) -> bool:
        for op, av in items:
            if op in (c.MAX_REPEAT, c.MIN_REPEAT):
                many = av[1] > 1
                parts, deeper = [av[2]], inside or many
                if many and inside:
                    return True
            elif op is c.SUBPATTERN:
                parts, deeper = [av[-1]], inside
            elif op is c.BRANCH:
                parts, deeper = list(av[1]), inside
            elif op in (c.ASSERT, c.ASSERT_NOT):
                parts, deeper = [av[1]], inside
            else:
                continue
            if any(walk(part, deeper) for part in parts):
                return True
        return False

    return walk(_parser.parse(pattern), False)


def _trackers(value: Any) -> str | None:
    for pattern, url in value.items():
        try:
            re.compile(pattern)
        except re.error as err:
            return f"map key patterns that compile: {pattern!r} does not ({err})"
        if _nested_repetition(pattern):
            return (
                f"map key patterns without a repetition inside a repetition: {pattern!r} may take "
                "exponential time on a proposal's key (write ([A-Z]+-)?[0-9]+, not ([A-Z]+-?)+[0-9]+)"
            )
        if "{key}" not in url or not re.match(r"https?://", url):
            return f"map each pattern to an http(s) address holding {{key}}, not {url!r}"
    return None


TABLE = ValueType(
    "dict[str, dict[str, str]]", "dict", (dict,), lambda value: isinstance(value, dict), _parse_table
)

#: A validator: what is wrong with a value of the right type, as the rest of the sentence
#: "dep_<name> must ..." (``"be between 1 and 8, not 12"``), or ``None`` when it is fine.
Validator = Callable[[Any], str | None]


def one_of(*choices: str) -> Validator:
    def check(value: Any) -> str | None:
        return None if value in choices else f"be one of {', '.join(choices)}, not {value!r}"

    return check


def between(low: int, high: int) -> Validator:
    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"be between {low} and {high}, not {value}"

    return check


def not_negative(value: Any) -> str | None:
    return None if value >= 0 else f"not be negative, not {value}"


def _distinct_categories(value: Any) -> str | None:
    keys = [normalize_key(category) for category in value]
    if value and len(set(keys)) == len(keys):
        return None
    return "be a non-empty list of distinct categories"


def _base_url(value: Any) -> str | None:
    if not value or re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        return None
    return f"be an absolute http(s) address without query or fragment, not {value!r}"


def _id_prefix(value: Any) -> str | None:
    if value and value[0].isalpha() and value.isupper():
        return None
    return f"start with an upper-case letter, not {value!r}"


def _areas(value: Any) -> str | None:
    from .areas import problem  # the one judge of an area's declaration

    for key, table in value.items():
        found = problem(key, table)
        if found is not None:
            return found
    return None


def _distinct(value: Any) -> str | None:
    keys = [normalize_key(item) for item in value]
    return None if len(set(keys)) == len(keys) else f"list distinct values, not {value!r}"


def _status_labels(value: Any) -> str | None:
    names = {choice_key(status.value): status for status in Status}
    taken: dict[str, str] = {}
    for name, label in value.items():
        if name not in {status.value for status in Status}:
            return f"name statuses ({Status.allowed()}) as keys, not {name!r}"
        key = choice_key(label)
        if not key or not label.strip() or label != label.strip():
            return f"give each status a label without surrounding blanks, not {label!r} for {name}"
        if key == choice_key(UNKNOWN_STATUS):
            return f"not give {name} the label {label!r}, which names a missing status"
        meant = names.get(key) or Status.lookup(label)
        if meant is not None and meant.value != name:
            return f"not give {name} the label {label!r}, which names {meant.value}"
        if key in taken:
            return f"give distinct labels, not {label!r} to both {taken[key]} and {name}"
        taken[key] = name
    return None


def _hosts(value: Any) -> str | None:
    for host in value:
        if not re.fullmatch(
            r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+", host
        ):
            return f"list host names (github.com, github.example.org), not {host!r}"
    return None if value else "list at least one host"


def _sources(value: Any) -> str | None:
    from .sources import spec_problem  # the one judge of a source's settings

    for key, spec in value.items():
        problem = spec_problem(key, spec)
        if problem is not None:
            return problem
    return None


@dataclass(frozen=True)
class Setting:
    """One declared setting: ``dep_<name>`` in conf.py, ``<name>`` in ``[tool.dep]``."""

    name: str
    type: ValueType
    default: Any
    help: str
    validators: tuple[Validator, ...] = ()

    def default_value(self) -> Any:
        """The default, a new list each time for a list setting."""
        if isinstance(self.default, dict):
            return dict(self.default)
        return list(self.default) if isinstance(self.default, (list, tuple)) else self.default

    def problem(self, value: Any) -> str | None:
        """Why ``value`` cannot be this setting's value (``"dep_x must ..."``), or ``None``."""
        if not self.type.holds(value):
            return f"dep_{self.name} must be {self.type.described}, not {value!r}"
        for validator in self.validators:
            wrong = validator(value)
            if wrong is not None:
                return f"dep_{self.name} must {wrong}"
        return None

    def parse(self, text: str) -> Any:
        """The value ``text`` gives (``--config NAME=TEXT``); ``ValueError`` says why it gives none."""
        return self.type.parse(text.strip())


def _setting(default: Any, help: str, value_type: ValueType, *validators: Validator) -> Any:
    """A :class:`DepConfig` field that carries its help, :class:`ValueType` and validators."""
    metadata = {"help": help, "type": value_type, "validators": validators}
    if isinstance(default, (list, dict, tuple)):
        return field(default_factory=lambda: type(default)(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class DepConfig:
    """All settings of sphinxcontrib-dep; ``dep_<name>`` in conf.py, ``<name>`` in ``[tool.dep]``.

    Each field is declared with :func:`_setting`: its default, its help, its
    :class:`ValueType` and its validators. :func:`settings` hands these declarations to
    the Sphinx layer (``add_config_value``), the command line (``--config``), the
    ``[tool.dep]`` reader and the docs, so none of them decides a type on its own.
    """

    id_prefix: str = _setting("DEP-", "Prefix of proposal ids and need ids (``DEP-0001``).", STR, _id_prefix)
    id_width: int = _setting(4, "Digits of the zero-padded number in ids and file names.", INT, between(1, 8))
    impl_prefix: str = _setting("IMPL-", "Prefix of the ids of implementation (``impl``) needs.", STR)
    categories: list[str] = _setting(
        list(DEFAULT_CATEGORIES),
        "The categories a proposal may name in ``:category:``.",
        STR_LIST,
        _distinct_categories,
    )
    default_template: str = _setting(
        "limited",
        "Template assumed when ``:template:`` is absent: ``limited`` or ``complete``.",
        STR,
        one_of(*(template.value for template in Template)),
    )
    review_window_days: int = _setting(
        14,
        "Days a review may take, from ``:review-requested:`` to ``:review-date:``.",
        INT,
        not_negative,
    )
    require_sections_in_drafts: bool = _setting(
        False,
        "Require the template's sections in Not Started and In Progress proposals too "
        "(the process lets a draft be incomplete; placeholders are reported either way).",
        BOOL,
    )
    stale_days: int = _setting(
        180,
        "A proposal untouched this many days is listed as stale by the review report.",
        INT,
        not_negative,
    )
    deps_dir: str = _setting("deps", "Folder (relative to the project root) that holds the proposals.", STR)
    public_build: bool = _setting(
        False,
        "Leave embargoed proposals out of the build entirely (page, needs, index, search).",
        BOOL,
    )
    json_output: bool = _setting(True, "Write ``deps.json`` next to the HTML pages.", BOOL)
    graph_engine: str = _setting("dot", "Graphviz command used to draw ``dep-graph`` and the lifecycle.", STR)
    navigation: str = _setting(
        "current",
        "Proposals in the site navigation: ``current`` lists each one only on its own page (the "
        "proposals index lists them all; keeps themes that draw the whole tree on every page, "
        "like furo, linear in the number of proposals), ``all`` lists every proposal on every page.",
        STR,
        one_of("current", "all"),
    )
    raw_html: str = _setting(
        "safe",
        "Raw HTML in proposals: ``safe`` keeps only harmless tags, attributes and links and shows the "
        "rest as text with a warning; ``none`` shows all of it as text; ``all`` trusts every author.",
        STR,
        one_of(*RAW_HTML_MODES),
    )

    pages: list[str] = _setting(
        ["README.md", "README.rst", "index.md", "index.rst"],
        "Files in the proposals folder that are pages, not proposals (glob patterns, relative to "
        "the folder). They are checked as untrusted content all the same (raw HTML, links, directives).",
        STR_LIST,
    )
    allowed_directives: list[str] = _setting(
        [],
        "Directives a proposal may use beyond the built-in allowlist (admonitions, code, images, tables, "
        "math, raw HTML and more). Only add directives that can neither read files nor run code: proposals "
        "come from pull requests.",
        STR_LIST,
    )
    allowed_roles: list[str] = _setting(
        [],
        "Roles a proposal may use beyond the built-in allowlist (cross-references, code, math and more). Only "
        "add roles that can neither read files nor run code.",
        STR_LIST,
    )
    history: bool = _setting(
        True,
        "Read each proposal's history from git (created, last changed, every status change) with one "
        "``git log`` per build, for the proposal pages, ``dep-timeline``, the feeds and ``deps.json``. "
        "Outside a git work tree or in a shallow clone the build says so once and goes on.",
        BOOL,
    )
    base_url: str = _setting(
        "",
        "The address the site is published at (``https://example.org/proposals/``): the feeds of new "
        "proposals and of status changes link to absolute addresses under it. Empty: Sphinx's "
        "``html_baseurl``; with neither, no feeds are written.",
        STR,
        _base_url,
    )
    conf_py: str = _setting(
        "",
        "Where ``dep lint`` finds the Sphinx ``conf.py`` whose ``dep_*``/``myst_*`` values it reads, "
        "relative to the project root; empty: ``conf.py``, then ``docs/conf.py`` and the other usual places.",
        STR,
    )
    early_numbering: bool = _setting(
        False,
        "Let a proposal carry a number before its review is complete. The process has the steward "
        "assign the number when the review is complete (seed lines 166 and 181-183): unless this is "
        "set, ``dep number`` refuses a Not Started or In Progress proposal, and an Under Review one "
        "whose required reviewers have not all given a verdict, and ``dep lint`` warns about such a "
        "proposal that is numbered (``dep.early_number``). For teams that number their drafts.",
        BOOL,
    )

    lead_architects: list[str] = _setting(
        [],
        "The lead architects (``@handle``): with a category's PICs they have the final call when "
        "reviewers disagree (a ``:decision:`` names one of them) and may extend a review.",
        STR_LIST,
    )
    category_pics: dict[str, list[str]] = _setting(
        {},
        'Each category\'s PICs (``{Architecture = ["@ana"]}``): with the lead architects they have the '
        "final call on the category's proposals and may extend a review. Empty with no lead architects: "
        "nobody's authority is checked.",
        PEOPLE_TABLE,
    )

    trackers: dict[str, str] = _setting(
        {},
        "Issue trackers a ``:tracking:`` key may name: a pattern the key matches in full, mapped to the "
        'issue\'s address with ``{key}`` (``{"DYN-[0-9]+" = "https://jira.example.org/browse/{key}"}``). '
        "URLs and GitHub's ``org/repo#12`` are always understood. A key is at most 64 characters, "
        "and a pattern that repeats a repetition (``([A-Z]+-?)+``, exponential time) is refused.",
        STR_TABLE,
        _trackers,
    )
    require_tracking: bool = _setting(
        False,
        'Require a ``:tracking:`` issue from Under Review on (the seed: "JIRA created to track").',
        BOOL,
    )

    sources: dict[str, dict[str, str]] = _setting(
        {},
        "Other projects whose proposals this one may name (``runtime:DEP-0012``) and show: a short key "
        '-> ``{"deps": <URL or path of its deps.json>, "site": <its site\'s address>}``. Each is fetched '
        "once per build and kept in ``dep_sources_cache``; see the page Many repositories.",
        TABLE,
        _sources,
    )
    sources_timeout: int = _setting(
        10, "Seconds one source may take to fetch before the last good copy is used.", INT, between(1, 600)
    )
    sources_cache: str = _setting(
        ".dep-sources",
        "Folder (relative to the folder of conf.py, or the project root without one) that keeps the last "
        "good copy of every source, for builds and ``dep lint --offline`` when a site cannot be reached.",
        STR,
    )
    portfolio: bool = _setting(
        False,
        "Views (index, traceability, review report, status chart, graph) show every source's proposals "
        "beside this project's own, and replacements between two sources are checked here.",
        BOOL,
    )

    # --- issue 20: governance at scale ---
    areas: dict[str, dict[str, Any]] = _setting(
        {},
        "The areas that own proposals and code: a key (``router``: the ``:area:`` value and the folder "
        "``deps/router/``) -> a table of ``name`` (``Router``), ``label`` (default ``area/<key>``), "
        "``team`` (``@org/team``), ``owners`` (``@handle`` list: the possible PICs) and ``paths`` "
        "(CODEOWNERS patterns of the code it owns). Empty: areas are not checked.",
        AREA_TABLE,
        _areas,
    )
    priorities: list[str] = _setting(
        ["P0", "P1", "P2", "P3"],
        "The values ``:priority:`` may take, highest first (set during the weekly triage).",
        STR_LIST,
        _distinct,
    )
    # --- triage (issue 20) ---
    stalled_days: int = _setting(
        14,
        "The weekly triage (``dep triage``, ``dep-triage``) lists an open proposal as stalled when no "
        "commit has touched its file for this many days (the review report's ``stale_days`` is the "
        "long view: any undecided proposal, 180 days).",
        INT,
        not_negative,
    )
    gap_min_additions: int = _setting(
        200,
        "A merged pull request adding at least this many lines in files an area owns needs a proposal: "
        "``dep gaps`` flags it when it names none, and ``dep gate --pr`` requires one.",
        INT,
        not_negative,
    )

    # --- relations branch: the team's names for the statuses ---
    status_labels: dict[str, str] = _setting(
        {},
        "The team's own names for statuses, shown wherever a status is displayed (card, index, charts, "
        'review report, graph, ``dep`` text output) and accepted in headers: ``{Approved = "Accepted", '
        'Superseded = "Replaced"}``. Rules, ``deps.json`` and its schema keep the canonical names. Keys '
        "are statuses; labels are distinct and none is another status's name.",
        STR_TABLE,
        _status_labels,
    )

    # --- mirror: the discussion on the page ---
    discussion_cache: str = _setting(
        ".dep-discussion",
        "Folder (relative to the folder of conf.py, or the project root without one) holding each "
        "proposal's discussion on GitHub as CI wrote it (``dep discussion fetch-plan``): "
        "``<proposal file relative to the proposals folder>.json``. A proposal with a file there shows "
        "a Discussion section; without one, none. The build never reaches the network.",
        STR,
    )
    discussion_hosts: list[str] = _setting(
        ["github.com"],
        "Hosts of the GitHub that tracking issues and pull requests live on (add a GitHub Enterprise "
        "host). Only ``https://`` addresses on them become links to reply; ``dep discussion fetch-plan`` "
        "calls ``gh api --hostname`` for the others. The first is where authors' pages are.",
        STR_LIST,
        _hosts,
    )

    def __post_init__(self) -> None:
        errors = validate(self)
        if errors:
            raise ConfigError("; ".join(errors))

    @property
    def template(self) -> Template:
        return Template(self.default_template)

    def format_id(self, number: int) -> str:
        """``DEP-0012`` under this project's prefix and width."""
        return format_id(number, self.id_prefix, self.id_width)

    def status_text(self, status: Status | None) -> str:
        """A status as people read it: its label (``dep_status_labels``), its name, or ``Unknown``."""
        if status is None:
            return UNKNOWN_STATUS
        return self.status_labels.get(status.value, status.value)

    def label(self, name: str | None) -> str | None:
        """A status's canonical name as recorded (git history, a report row) under its label;
        ``None`` stays ``None``."""
        return self.status_labels.get(name, name) if name is not None else None

    def lookup_status(self, text: str) -> Status | None:
        """The status ``text`` names: a status, one of its aliases, or its label."""
        found = Status.lookup(text)
        if found is not None:
            return found
        key = choice_key(text)
        return next(
            (Status(name) for name, label in self.status_labels.items() if key and choice_key(label) == key),
            None,
        )

    def status_allowed(self) -> str:
        """The statuses a header may name, for messages: the eight, their aliases, the labels."""
        labels = "; ".join(
            f"{label!r} means {name}"
            for name, label in self.status_labels.items()
            if Status.lookup(label) is None  # an alias or the name itself is said already
        )
        return f"{Status.allowed()}; {Status.alias_note()}" + (f"; {labels}" if labels else "")


def settings() -> list[Setting]:
    """The declared settings, in order, for registration, ``--config``, ``[tool.dep]`` and the docs."""
    return [
        Setting(
            name=f.name,
            type=f.metadata["type"],
            default=f.default_factory() if callable(f.default_factory) else f.default,
            help=f.metadata["help"],
            validators=f.metadata["validators"],
        )
        for f in dataclasses.fields(DepConfig)
    ]


def setting(name: str) -> Setting | None:
    """The declared setting called ``name`` (``id_width``), or ``None``."""
    return next((s for s in settings() if s.name == name), None)


def validate(config: DepConfig) -> list[str]:
    """Messages for every setting whose value has the wrong type or range."""
    found = (s.problem(getattr(config, s.name)) for s in settings())
    return [problem for problem in found if problem is not None]


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` that has a ``[tool.dep]`` table.

    The Sphinx build starts from the folder of ``conf.py``, ``dep lint`` from the same
    folder when it finds ``conf.py``: an unrelated ``pyproject.toml`` in between (a docs
    package's own) hides nothing from either.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                if "dep" in tomllib.loads(candidate.read_text(encoding="utf-8")).get("tool", {}):
                    return candidate
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                return candidate  # read_tool_table says what is wrong with it
    return None


def read_tool_table(pyproject: Path | None) -> dict[str, Any]:
    """``[tool.dep]`` of a pyproject.toml, keys with ``-`` or ``_`` accepted, unknown keys refused."""
    if pyproject is None:
        return {}
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{pyproject}: cannot read [tool.dep]: {err}") from err
    table = data.get("tool", {}).get("dep", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.dep] must be a table")
    known = {f.name for f in settings()} | {"myst"}
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name == "myst" and not isinstance(value, dict):
            raise ConfigError(f"{pyproject}: [tool.dep.myst] must be a table of MyST settings")
        if name not in known:
            raise ConfigError(
                f"{pyproject}: unknown setting [tool.dep] {key!r} (known: {', '.join(sorted(known))})"
            )
        values[name] = value
    return values


def load(start: Path | None = None, overrides: dict[str, Any] | None = None) -> DepConfig:
    """Settings from ``[tool.dep]`` of the nearest pyproject.toml, then ``overrides``."""
    values = read_tool_table(find_pyproject(start or Path.cwd()))
    values.pop("myst", None)
    values.update(overrides or {})
    return DepConfig(**values)
