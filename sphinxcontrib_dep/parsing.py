"""Text to model: read a proposal file and its ``dep-meta`` options into a :class:`~.model.Dep`.

Two entry points share one set of value parsers:

* :func:`parse_meta` turns the options of one ``dep-meta`` block into a ``Dep`` plus
  located :class:`~.diagnostics.Diagnostic` objects. The Sphinx directive calls it with
  the options docutils/MyST handed it; the command line calls it with options it read
  itself. Either way every value is checked by the same code.
* :func:`scan` reads a whole MyST Markdown (or reStructuredText) file without Sphinx:
  its title, headings outside code, and the ``dep-*`` directive blocks.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from .config import DepConfig
from .diagnostics import Code, Diagnostic
from .model import (
    GITHUB_PROFILE_RE,
    HANDLE_RE,
    NUMBER_PATTERN,
    Dep,
    DepRef,
    Link,
    Person,
    Reviewer,
    ReviewStatus,
    Status,
    Template,
    lookup_category,
    number_from_filename,
)

# --------------------------------------------------------------------------------------
# dep-meta options
# --------------------------------------------------------------------------------------

#: The options of ``dep-meta``, with the help the reference docs show.
META_OPTIONS: dict[str, str] = {
    "number": "The proposal's number; may be omitted when the file name carries it (``0012-x.md``).",
    "status": "One of the eight statuses (``Draft`` means In Progress).",
    "authors": "Comma-separated people: ``@handle``, ``Name`` or ``Name <url>``.",
    "category": "One of the configured categories (``dep_categories``).",
    "sponsor": "The sponsor(s) or steward(s) who shepherd the proposal.",
    "required-reviewers": "Comma-separated reviewers, each with its status in parentheses: ``@a (approved)``.",
    "review-date": "The date of the review decision, ``YYYY-MM-DD``.",
    "review-requested": "The date the proposal entered review, ``YYYY-MM-DD``; starts the review window.",
    "replaces": "Proposals this one replaces: ``DEP-0003``, ``3``, or ``DEP-0003 (partial)``.",
    "replaced-by": "Proposals that replace this one.",
    "pull-request": "The pull request of the proposal itself.",
    "implementation": "Comma-separated implementation pull requests and tracking issues.",
    "template": "``limited`` (default) or ``complete``: the section rules that apply.",
    "decision": "Who made the final call, and why, when reviewers did not all approve.",
    "embargoed": "Flag: a sensitive proposal, left out of public builds (``dep_public_build``).",
}

#: Other spellings accepted for an option, mapped onto its canonical name.
META_ALIASES: dict[str, str] = {
    "sponsors": "sponsor",
    "steward": "sponsor",
    "reviewers": "required-reviewers",
    "implementations": "implementation",
    "replaced_by": "replaced-by",
    "review_date": "review-date",
    "pull_request": "pull-request",
    "required_reviewers": "required-reviewers",
    "review_requested": "review-requested",
}

#: Options starting with this hold legacy text the migrator could not map; kept verbatim.
UNMAPPED_PREFIX = "legacy-"

#: Values that mean "nothing here yet", in any field.
_EMPTY_VALUES = frozenset({"", "na", "none", "tbd", "tba", "nil", "null", "n/a", "-", "--", "—"})

_SAFE_SCHEMES = ("http://", "https://")
_LIST_SPLIT_RE = re.compile(r"\s*[,\n;]\s*")
_MD_LINK_RE = re.compile(r"^\[([^\]]*)\]\(([^)\s]+)\)$")
_ANGLE_RE = re.compile(r"^(.*?)\s*<([^<>\s]+)>$")
_PAREN_RE = re.compile(r"^(.*?)\s*\(([^()]*)\)$")
_REF_RE = re.compile(rf"^(?:[A-Za-z]+[-_ ]?)?0*{NUMBER_PATTERN}$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


#: ``<Title>``, ``\<numbered subheadings\>``, ``<#>``: a stand-in from the template that the
#: author should replace. Not an autolink (``<https://...>``), a comment, a closing tag,
#: ``Vec<T>``, or an HTML element (see :data:`HTML_TAGS`).
STAND_IN_RE = re.compile(
    r"(?<![\w<])\\?<(?![a-z][a-z0-9+.-]*:[^\s<>]*>|[/!?\s])([^<>\n]{1,160}?)(?<![\s\\])\\?>", re.I
)
_HTML_TAG_RE = re.compile(
    r"^[a-z][a-z0-9]*(?:[\s/]+[a-z_:-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*\s*/?$", re.I
)
#: HTML elements (``<title>`` aside: ``<Title>`` is the templates' own stand-in).
HTML_TAGS = frozenset(
    (  # noqa: SIM905
        "a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption "
        "center cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset "
        "figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd "
        "label legend li link main map mark menu meta meter nav noscript object ol optgroup option output p "
        "param picture pre progress q rp rt ruby s samp script section select slot small source span strong "
        "style sub summary sup svg table tbody td template textarea tfoot th thead time tr track u ul var "
        "video wbr"
    ).split()
)


def is_html_tag(inner: str) -> bool:
    """Whether the text between ``<`` and ``>`` is an HTML element rather than a stand-in."""
    name = re.split(r"[\s/]", inner, maxsplit=1)[0]
    if name[:1].isupper() and not name.isupper() and name == inner:
        return False  # ``<Summary>``, ``<Title>``: the templates' way of writing a stand-in
    return name.lower() in HTML_TAGS and _HTML_TAG_RE.match(inner) is not None


def is_stand_in(value: str) -> bool:
    """A value that is only a template stand-in (``<YYYY-MM-DD>``, ``<@handle>``)."""
    match = STAND_IN_RE.fullmatch(value.strip())
    return match is not None and not is_html_tag(match.group(1))


def is_empty(value: str | None) -> bool:
    """Nothing given: no value, ``N/A`` and the like, or a stand-in left from the template
    (the section rules report that as a placeholder, once)."""
    if value is None:
        return True
    value = value.strip()
    return value.casefold() in _EMPTY_VALUES or is_stand_in(value)


def split_list(value: str | None) -> list[str]:
    """Comma- (or newline-) separated items, empty and N/A items dropped."""
    if is_empty(value):
        return []
    assert value is not None
    return [item for item in _LIST_SPLIT_RE.split(value.strip()) if not is_empty(item)]


def canonical_option(name: str) -> str:
    name = name.strip().lower()
    return META_ALIASES.get(name, name)


@dataclass
class _Reporter:
    """Collects diagnostics located at the option that caused them."""

    path: str
    line: int | None
    option_lines: Mapping[str, int]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __call__(self, code: Code, message: str, option: str | None = None) -> None:
        line = self.option_lines.get(option, self.line) if option else self.line
        self.diagnostics.append(Diagnostic(code, message, self.path, line))


def check_url(url: str, report: _Reporter | None, option: str) -> str | None:
    """``url`` if it is an absolute http(s) URL; else reported and dropped."""
    url = url.strip().strip("<>")
    if url.lower().startswith(_SAFE_SCHEMES) and re.match(r"^https?://[^\s/?#]+", url, re.I):
        return url
    if report is not None:
        report(Code.URL, f":{option}: {url!r} is not an http(s) URL; it is left out", option)
    return None


def parse_person(text: str, report: _Reporter | None = None, option: str = "authors") -> Person | None:
    """``@handle``, ``Name``, ``Name <url>`` or ``[Name](url)``; GitHub profile URLs become handles."""
    text = text.strip()
    if not text:
        return None
    if match := HANDLE_RE.match(text):
        return Person(handle=match.group(1))
    name, url = text, None
    if match := (_MD_LINK_RE.match(text) or _ANGLE_RE.match(text)):
        name, url = match.group(1).strip(), match.group(2)
    elif text.lower().startswith(("http://", "https://")):
        name, url = "", text
    if re.search(r"[<>\[\]]", name):
        # Markup left in the name (``<b>x</b>``, ``a [b]``): not a person we can show.
        if report is not None:
            report(Code.PERSON, f":{option}: cannot read {text!r} as a person", option)
        return None
    if url is not None:
        profile = GITHUB_PROFILE_RE.match(url)
        if profile:
            handle = profile.group(3) or f"{profile.group(1)}/{profile.group(2)}"
            bare = name.lstrip("@")
            if not name or bare.casefold() == handle.casefold():
                return Person(handle=handle)
            return Person(name=name, handle=handle)
        safe = check_url(url, report, option)
        return Person(name=name or (safe or ""), url=safe) if (name or safe) else None
    return Person(name=name)


def parse_people(value: str | None, report: _Reporter, option: str) -> list[Person]:
    people = (parse_person(item, report, option) for item in split_list(value))
    return [p for p in people if p is not None]


def parse_reviewer(text: str, report: _Reporter, option: str = "required-reviewers") -> Reviewer | None:
    status = ReviewStatus.NOT_STARTED
    match = _PAREN_RE.match(text.strip())
    if match and match.group(1):
        found = ReviewStatus.lookup(match.group(2))
        if found is None:
            report(
                Code.REVIEWER_STATUS,
                f"unknown reviewer status {match.group(2).strip()!r} for {match.group(1).strip()} "
                f"(allowed: {ReviewStatus.allowed()})",
                option,
            )
        else:
            status = found  # type: ignore[assignment]
        text = match.group(1)
    person = parse_person(text, report, option)
    return Reviewer(person, status) if person else None


def parse_date(value: str | None, report: _Reporter, option: str) -> date | None:
    if is_empty(value):
        return None
    assert value is not None
    value = value.strip()
    match = _ISO_DATE_RE.match(value)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    guess = guess_date(value)
    hint = f"; did you mean {guess.isoformat()}?" if guess else ""
    report(Code.DATE, f":{option}: {value!r} is not a date in YYYY-MM-DD form{hint}", option)
    return None


_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


_WEEKDAYS = frozenset({"mon", "tue", "wed", "thu", "fri", "sat", "sun"})


def guess_date(value: str) -> date | None:
    """Read a date in the common written forms: ISO, ``07/15/2025`` (US), ``Jul 09 2025``,
    ``July 21, 2025``, ``21 July 2025``, ``2025/07/15``, ``Wed, Jul 9 2025``. ``None`` when unsure."""
    text = value.strip().rstrip(".").replace(",", " ")
    parts = [p for p in re.split(r"[\s/.\-]+", text) if p]
    if len(parts) == 4 and parts[0].lower().rstrip(".")[:3] in _WEEKDAYS:
        parts = parts[1:]  # "Wed, Jul 9 2025"
    try:
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            a, b, c = (int(p) for p in parts)
            if len(parts[0]) == 4:
                return date(a, b, c)
            if len(parts[2]) == 4:
                # US order first (the corpus writes 07/15/2025); day-first only when forced.
                return date(c, a, b) if a <= 12 else date(c, b, a)
            return None
        if len(parts) == 3:
            words = [p.lower() for p in parts]
            for month_pos in range(3):
                month = _MONTHS.get(words[month_pos])
                if month is None:
                    continue
                rest = [
                    w.rstrip("stndrh") if w[:1].isdigit() else w
                    for k, w in enumerate(words)
                    if k != month_pos
                ]
                if not all(r.isdigit() for r in rest):
                    return None
                year = next((int(r) for r in rest if len(r) == 4), None)
                day = next((int(r) for r in rest if len(r) <= 2), None)
                if year and day:
                    return date(year, month, day)
    except ValueError:
        return None
    return None


def parse_ref(text: str, report: _Reporter, option: str) -> DepRef | None:
    text = text.strip()
    partial = False
    match = _PAREN_RE.match(text)
    if match and match.group(2).strip().lower() in {"partial", "partially", "part"}:
        text, partial = match.group(1).strip(), True
    if match := _REF_RE.match(text):
        return DepRef(number=int(match.group(1)), partial=partial)
    if text.lower().startswith(("http://", "https://")) or _MD_LINK_RE.match(text):
        link = _MD_LINK_RE.match(text)
        url = check_url(link.group(2) if link else text, report, option)
        if url is None:
            return None
        number = number_from_filename(url.rstrip("/").rsplit("/", 1)[-1])
        return DepRef(number=number, url=None if number else url, partial=partial)
    report(Code.REF, f":{option}: {text!r} names no proposal (write DEP-0003 or 3)", option)
    return None


def parse_meta(
    options: Mapping[str, str | None],
    *,
    path: str,
    line: int | None = None,
    option_lines: Mapping[str, int] | None = None,
    title: str = "",
    config: DepConfig | None = None,
) -> tuple[Dep, list[Diagnostic]]:
    """The ``Dep`` a ``dep-meta`` block describes, and what is wrong with it.

    ``path`` is the file (its name may carry the number), ``line`` the directive's line,
    ``option_lines`` the line of each option where known.
    """
    config = config or DepConfig()
    report = _Reporter(path, line, option_lines or {})
    dep = Dep(title=title, path=path, line=line, template=config.template)
    dep.option_lines = {canonical_option(name): number for name, number in (option_lines or {}).items()}
    seen: dict[str, str | None] = {}
    for raw_name, value in options.items():
        name = canonical_option(raw_name)
        if name.startswith(UNMAPPED_PREFIX):
            dep.unmapped[name[len(UNMAPPED_PREFIX) :]] = (value or "").strip()
            continue
        if name not in META_OPTIONS:
            report(
                Code.OPTION,
                f"unknown option :{raw_name}: in dep-meta (known: {', '.join(META_OPTIONS)})",
                raw_name,
            )
            continue
        seen[name] = value

    file_number = number_from_filename(path)
    number_text = seen.get("number")
    if not is_empty(number_text):
        assert number_text is not None
        match = _REF_RE.match(number_text.strip())
        if match:
            dep.number = int(match.group(1)) or None
        else:
            report(Code.VALUE, f":number: {number_text.strip()!r} is not a number", "number")
    else:
        dep.number = file_number
    filename = path.rsplit("/", 1)[-1]
    if dep.number is not None and _has_number_prefix(filename) and dep.number != file_number:
        shown = config.format_id(file_number) if file_number else "an unnumbered draft"
        report(
            Code.NUMBER,
            f":number: {dep.number} disagrees with the file name {filename} ({shown})",
            "number",
        )

    status_text = seen.get("status")
    if is_empty(status_text):
        report(Code.STATUS, f"dep-meta has no :status: (allowed: {Status.allowed()})")
    else:
        assert status_text is not None
        status = Status.lookup(status_text)
        if status is None:
            report(
                Code.STATUS,
                f"unknown status {status_text.strip()!r} (allowed: {Status.allowed()}; "
                "'Draft' means In Progress)",
                "status",
            )
        dep.status = status  # type: ignore[assignment]

    category_text = seen.get("category")
    if not is_empty(category_text):
        assert category_text is not None
        dep.category = lookup_category(category_text, tuple(config.categories))
        if dep.category is None:
            report(
                Code.CATEGORY,
                f"unknown category {category_text.strip()!r} (allowed: {', '.join(config.categories)})",
                "category",
            )

    dep.authors = parse_people(seen.get("authors"), report, "authors")
    dep.sponsors = parse_people(seen.get("sponsor"), report, "sponsor")
    dep.reviewers = [
        r
        for item in split_list(seen.get("required-reviewers"))
        if (r := parse_reviewer(item, report)) is not None
    ]
    dep.review_date = parse_date(seen.get("review-date"), report, "review-date")
    dep.review_requested = parse_date(seen.get("review-requested"), report, "review-requested")
    dep.replaces = [
        ref for item in split_list(seen.get("replaces")) if (ref := parse_ref(item, report, "replaces"))
    ]
    dep.replaced_by = [
        ref for item in split_list(seen.get("replaced-by")) if (ref := parse_ref(item, report, "replaced-by"))
    ]
    # One URL; split on white space only, as a URL may itself hold commas.
    pull_request_text = seen.get("pull-request")
    pull_requests = [] if is_empty(pull_request_text) else (pull_request_text or "").split()
    if len(pull_requests) > 1:
        report(Code.VALUE, ":pull-request: takes one URL; the first is kept", "pull-request")
    if pull_requests:
        dep.pull_request = check_url(pull_requests[0], report, "pull-request")
    dep.implementation = [
        Link(url)
        for item in split_list(seen.get("implementation"))
        if (url := check_url(item, report, "implementation"))
    ]
    template_text = seen.get("template")
    if not is_empty(template_text):
        assert template_text is not None
        template = Template.lookup(template_text)
        if template is None:
            report(
                Code.TEMPLATE,
                f"unknown template {template_text.strip()!r} (allowed: {Template.allowed()})",
                "template",
            )
        else:
            dep.template = template  # type: ignore[assignment]
    decision = seen.get("decision")
    dep.decision = None if is_empty(decision) else (decision or "").strip()
    if "embargoed" in seen:
        flag = (seen["embargoed"] or "").strip().lower()
        # Fail closed: a value that is neither yes nor no still keeps the proposal private.
        dep.embargoed = flag not in {"no", "false", "0", "off"}
        if flag not in {"", "yes", "true", "1", "on", "no", "false", "0", "off"}:
            report(
                Code.VALUE,
                f":embargoed: {flag!r} is not yes or no; the proposal is kept embargoed",
                "embargoed",
            )
    return dep, report.diagnostics


def _has_number_prefix(filename: str) -> bool:
    return re.match(r"^\d{4,}-", filename) is not None


# --------------------------------------------------------------------------------------
# Whole files, without Sphinx
# --------------------------------------------------------------------------------------


@dataclass
class Heading:
    level: int
    text: str
    line: int  # 1-based


@dataclass
class Block:
    """A ``dep-*`` directive found in a file: its argument, options and body."""

    name: str
    argument: str
    options: dict[str, str | None]
    option_lines: dict[str, int]
    body: list[str]
    body_line: int  # 1-based line of the first body line
    line: int  # 1-based line of the directive itself
    #: Why the option block could not be read, as (1-based line, message); its options are then empty.
    problems: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class ScannedFile:
    path: str
    headings: list[Heading]
    blocks: list[Block]

    @property
    def title(self) -> Heading | None:
        return next((h for h in self.headings if h.level == 1), None)

    def blocks_named(self, name: str) -> list[Block]:
        return [b for b in self.blocks if b.name == name]


@lru_cache(maxsize=1)
def _markdown_parser() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.colon_fence import colon_fence_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark").use(colon_fence_plugin).use(front_matter_plugin)


@lru_cache(maxsize=1)
def _markdown_block_parser() -> Any:
    """The same parser without the core ``inline`` rule: inline tokens come without children."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.colon_fence import colon_fence_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark").use(colon_fence_plugin).use(front_matter_plugin).disable("inline")


@lru_cache(maxsize=16)
def _cached_tokens(text: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    env: dict[str, Any] = {}
    return tuple(_markdown_block_parser().parse(text, env)), env


def _fill_inline(token: Any, env: dict[str, Any]) -> None:
    """Parse an inline token's children once, as the core ``inline`` and ``text_join`` rules do."""
    if token.meta.get("dep_inline"):
        return
    from markdown_it.rules_core.text_join import _join_text_tokens

    md = _markdown_parser()
    children: list[Any] = []
    md.inline.parse(token.content, md, env, children)
    for child in children:
        if child.children:
            child.children = _join_text_tokens(child.children)
    token.children = _join_text_tokens(children)
    token.meta["dep_inline"] = True


def markdown_tokens(text: str, inline: bool = True) -> list[Any]:
    """The markdown-it tokens of ``text`` (inline children included), parsed once per text.

    :func:`scan_markdown`, the section rules and the raw-HTML check all read the same
    file; parsing it once instead of three times is most of ``dep lint``'s time. The
    tokens are shared: read them, never change them. With ``inline=False`` only the block
    structure is parsed (each inline token's ``content`` is there, its ``children`` may
    not be); :func:`inline_children` completes one token.
    """
    tokens, env = _cached_tokens(text)
    if inline:
        for token in tokens:
            if token.type == "inline":
                _fill_inline(token, env)
    return list(tokens)


def inline_children(text: str, token: Any) -> list[Any]:
    """The children of one inline token of :func:`markdown_tokens` ``(text, inline=False)``."""
    _fill_inline(token, _cached_tokens(text)[1])
    return list(token.children or [])


_DIRECTIVE_INFO_RE = re.compile(r"^\{([A-Za-z][\w:-]*)\}\s*(.*)$")


def unquote(value: str) -> str:
    """A quoted option value as MyST reads it: ``"a #b"`` -> ``a #b``, ``'it''s'`` -> ``it's``.

    MyST reads directive options as a YAML subset, where a quoted scalar may hold what a
    plain one cannot (`` #`` would start a comment); the scanner reads them the same way.
    """
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            loaded = json.loads(value)
        except ValueError:
            return value
        return loaded if isinstance(loaded, str) else value
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def split_options(lines: list[str], first_line: int) -> tuple[dict[str, str | None], dict[str, int], int]:
    """MyST-style ``:name: value`` lines at the top of a directive body.

    Returns the options, the line of each, and how many lines they took. Continuation
    lines are indented; a blank line or a line not starting with ``:`` ends the block.
    """
    options: dict[str, str | None] = {}
    lines_of: dict[str, int] = {}
    current: str | None = None
    used = 0
    for index, text in enumerate(lines):
        match = re.match(r"^:([^:\s][^:]*?):(?:\s+(.*))?$", text)
        if match:
            current = match.group(1).strip()
            options[current] = unquote((match.group(2) or "").strip())
            lines_of[current] = first_line + index
            used = index + 1
        elif current is not None and text[:1] in (" ", "\t") and text.strip():
            options[current] = f"{options[current]}\n{text.strip()}".strip()
            used = index + 1
        else:
            break
    return options, lines_of, used


_SIMPLE_OPTION_RE = re.compile(r"^\s*:([A-Za-z0-9_][\w.-]*):(?: +(.*))?$")
_SIMPLE_VALUE_RE = re.compile(r"^[^-?:,\[\]{}&*!#'\"|>\s][^#'\"|>\t]*$")


def _simple_options(lines: list[str], first_line: int) -> tuple[dict[str, str | None], dict[str, int]] | None:
    """The common ``:name: plain value`` block without MyST's tokenizer, or ``None``.

    Only lines whose value is a plain scalar MyST reads verbatim (stripped) take this path;
    anything else (quotes, ``#`` comments, block scalars, ``: `` inside, indicators) goes to
    :func:`~myst_parser.parsers.options.options_to_tokens`, so the result is the same.
    """
    options: dict[str, str | None] = {}
    lines_of: dict[str, int] = {}
    for index, line in enumerate(lines):
        match = _SIMPLE_OPTION_RE.match(line) if "\t" not in line else None
        if match is None:
            return None
        value = (match.group(2) or "").strip()
        if value and (
            not _SIMPLE_VALUE_RE.match(value)
            or ": " in value
            or value.endswith(":")
            or value in {"...", "---"}
        ):
            return None
        options[match.group(1)] = value
        lines_of.setdefault(match.group(1), first_line + index)
    return options, lines_of


def split_myst_options(
    lines: list[str], first_line: int
) -> tuple[dict[str, str | None], dict[str, int], int, list[tuple[int, str]]]:
    """The option block of a MyST directive body, read by MyST's own tokenizer.

    The same block shape (``:name: value`` lines, or a ``---`` fenced block) and the same
    value rules (quotes, folded continuation lines, ``#`` comments) as ``sphinx-build``,
    so ``dep lint`` sees the options the directive is given. A block MyST cannot read
    gives no options and one problem, as it does in Sphinx.
    """
    from myst_parser.parsers.options import TokenizeError, options_to_tokens

    if lines and lines[0].startswith("---"):
        end = next((i for i in range(1, len(lines)) if lines[i].startswith("---")), None)
        used = end + 1 if end is not None else len(lines)
        block_first = first_line + 1
        text = textwrap.dedent("\n".join(lines[1:end]))
    else:
        used = 0
        while (
            used < len(lines)
            and lines[used].lstrip().startswith(":")
            and not lines[used].lstrip().startswith(":::")
        ):
            used += 1
        block_first = first_line
        text = "\n".join(line.lstrip()[1:] for line in lines[:used])
    options: dict[str, str | None] = {}
    lines_of: dict[str, int] = {}
    if not used:
        return options, lines_of, used, []
    if not lines[0].startswith("---"):
        simple = _simple_options(lines[:used], block_first)
        if simple is not None:
            return simple[0], simple[1], used, []
    try:
        tokens, _state = options_to_tokens(text)
    except TokenizeError as err:
        line = block_first + (err.problem_mark.line if err.problem_mark is not None else 0)
        return options, lines_of, used, [(line, f"options cannot be read ({err.problem}); all are ignored")]
    for key, value in tokens:
        options[key.value] = value.value if value is not None else ""
        lines_of.setdefault(key.value, block_first + key.start.line)
    return options, lines_of, used, []


def _inline_text(token: Any, children: list[Any]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in {"text", "text_special", "code_inline", "html_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    text = "".join(parts) if children else token.content
    return re.sub(r"\s+", " ", text).strip()


def scan_markdown(text: str, path: str, names: tuple[str, ...] = ("dep-",)) -> ScannedFile:
    """Headings outside code and the ``{dep-*}`` fenced directives of a MyST file."""
    headings: list[Heading] = []
    blocks: list[Block] = []
    tokens = markdown_tokens(text, inline=False)
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0 and token.map:
            inline = tokens[index + 1]
            children = inline_children(text, inline)
            headings.append(Heading(int(token.tag[1]), _inline_text(inline, children), token.map[0] + 1))
        elif token.type in {"fence", "colon_fence"} and token.map:
            match = _DIRECTIVE_INFO_RE.match(token.info.strip())
            if not match or not match.group(1).startswith(names):
                continue
            body = token.content.splitlines()
            start = token.map[0] + 2  # the line after the opening fence, 1-based
            options, option_lines, used, problems = split_myst_options(body, start)
            rest = body[used:]
            skipped = 0
            while rest and not rest[0].strip():
                rest, skipped = rest[1:], skipped + 1
            blocks.append(
                Block(
                    name=match.group(1),
                    argument=match.group(2).strip(),
                    options=options,
                    option_lines=option_lines,
                    body=rest,
                    body_line=start + used + skipped,
                    line=token.map[0] + 1,
                    problems=problems,
                )
            )
    return ScannedFile(path, headings, blocks)


_RST_ADORNMENT_RE = re.compile(r"^([=\-`:'\"~^_*+#<>])\1{2,}\s*$")
_RST_DIRECTIVE_RE = re.compile(r"^\.\.\s+([A-Za-z][\w:-]*)::\s*(.*)$")


def scan_rst(text: str, path: str, names: tuple[str, ...] = ("dep-",)) -> ScannedFile:
    """The same as :func:`scan_markdown` for reStructuredText: titles by adornment, ``.. dep-*::``."""
    lines = text.splitlines()
    headings: list[Heading] = []
    blocks: list[Block] = []
    styles: list[tuple[str, bool]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = _RST_DIRECTIVE_RE.match(line)
        if directive:
            body_lines: list[str] = []
            scan_at = index + 1
            while scan_at < len(lines) and (not lines[scan_at].strip() or lines[scan_at][:1] in " \t"):
                body_lines.append(lines[scan_at])
                scan_at += 1
            while body_lines and not body_lines[-1].strip():
                body_lines.pop()
            if directive.group(1).startswith(names):
                indent = min((len(b) - len(b.lstrip()) for b in body_lines if b.strip()), default=0)
                dedented = [b[indent:] for b in body_lines]
                options, option_lines, used = split_options(dedented, index + 2)
                rest = dedented[used:]
                skipped = 0
                while rest and not rest[0].strip():
                    rest, skipped = rest[1:], skipped + 1
                blocks.append(
                    Block(
                        directive.group(1),
                        directive.group(2).strip(),
                        options,
                        option_lines,
                        rest,
                        index + 2 + used + skipped,
                        index + 1,
                    )
                )
            index = scan_at
            continue
        nxt = lines[index + 1] if index + 1 < len(lines) else ""
        over = _RST_ADORNMENT_RE.match(line)
        if (
            over
            and index + 2 < len(lines)
            and lines[index + 1].strip()
            and _RST_ADORNMENT_RE.match(lines[index + 2])
        ):
            style = (line.strip()[0], True)
            title_line, title_text, index = index + 2, lines[index + 1].strip(), index + 3
        elif (
            line.strip()
            and not over
            and _RST_ADORNMENT_RE.match(nxt)
            and len(nxt.strip()) >= len(line.strip())
        ):
            style = (nxt.strip()[0], False)
            title_line, title_text, index = index + 1, line.strip(), index + 2
        else:
            index += 1
            continue
        if style not in styles:
            styles.append(style)
        headings.append(Heading(styles.index(style) + 1, title_text, title_line))
    return ScannedFile(path, headings, blocks)


def scan(text: str, path: str) -> ScannedFile:
    """Scan a proposal by its suffix: ``.rst`` as reStructuredText, anything else as MyST."""
    if path.endswith(".rst"):
        return scan_rst(text, path)
    return scan_markdown(text, path)


def decode(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text of a file (a BOM is dropped, CRLF folded), or a located encoding error."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, [
            Diagnostic(Code.ENCODING, f"not valid UTF-8 ({err.reason} at byte {err.start})", path, line)
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def iter_meta_diagnostics(scanned: ScannedFile, config: DepConfig) -> Iterator[Diagnostic]:
    """Document-level problems of the header: none, two, or before the title."""
    metas = scanned.blocks_named("dep-meta")
    if not metas:
        yield Diagnostic(Code.MISSING_META, MISSING_META_MESSAGE, scanned.path, 1)
        return
    for extra in metas[1:]:
        yield Diagnostic(
            Code.DUPLICATE_META,
            DUPLICATE_META_MESSAGE.format(first=metas[0].line),
            scanned.path,
            extra.line,
        )
    title = scanned.title
    if title is None or metas[0].line < title.line:
        yield Diagnostic(Code.TITLE, TITLE_MESSAGE, scanned.path, metas[0].line)
    elif not title.text.strip():
        yield Diagnostic(Code.TITLE, EMPTY_TITLE_MESSAGE, scanned.path, metas[0].line)


#: One wording for the Sphinx directive and the command line.
TITLE_MESSAGE = "dep-meta must come after the document's first heading, which is the proposal's title"
EMPTY_TITLE_MESSAGE = "the proposal's title (the document's first heading) is empty"
MISSING_META_MESSAGE = "no dep-meta block in this proposal"
DUPLICATE_META_MESSAGE = "a second dep-meta in one document (the first is on line {first}); it is ignored"


def meta_block_problems(block: Block, path: str) -> list[Diagnostic]:
    """An option block that cannot be read, and text after it (which ``dep-meta`` ignores)."""
    found = [
        Diagnostic(Code.OPTION, f"{block.name} {message}", path, line) for line, message in block.problems
    ]
    text = next((line.strip() for line in block.body if line.strip()), None)
    if text is not None:
        found.append(
            Diagnostic(
                Code.OPTION,
                f"{block.name} ignores the text after its options, starting {text[:60]!r} "
                "(each option goes on one line starting with ':')",
                path,
                block.body_line,
            )
        )
    return found


def parse_file(
    text: str, path: str, config: DepConfig | None = None
) -> tuple[Dep | None, ScannedFile, list[Diagnostic]]:
    """A whole proposal file: its ``Dep`` (``None`` without ``dep-meta``), scan and diagnostics."""
    config = config or DepConfig()
    scanned = scan(text, path)
    diagnostics = list(iter_meta_diagnostics(scanned, config))
    metas = scanned.blocks_named("dep-meta")
    if not metas:
        return None, scanned, diagnostics
    meta = metas[0]
    diagnostics += meta_block_problems(meta, path)
    title = scanned.title.text if scanned.title is not None else ""
    dep, found = parse_meta(
        meta.options, path=path, line=meta.line, option_lines=meta.option_lines, title=title, config=config
    )
    return dep, scanned, diagnostics + found
