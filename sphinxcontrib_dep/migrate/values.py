"""Reading each legacy value with the core's parsers: people, dates, statuses, links, references."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core import parsing
from ..core.config import DepConfig
from ..core.model import (
    DepRef,
    ReviewStatus,
    Status,
    lookup_category,
    normalize_key,
    number_from_filename,
    parse_id,
)
from ..core.parsing import guess_date, is_empty, parse_person
from .decisions import Decision, Kind
from .fields import _PLACEHOLDER_WORDS, STATUS_ALIASES
from .headers import _COMMENT_RE, _Field, _unwrap

#: ``[label](destination)``: the destination may hold balanced parentheses, two deep
#: (``https://en.wikipedia.org/wiki/Foo_(bar)``), as CommonMark reads them.
_MD_LINK_RE = re.compile(r"\[([^\]]*)\]\(\s*<?((?:[^()\s<>]|\((?:[^()\s<>]|\([^()\s<>]*\))*\))*)>?\s*\)")


#: A bare URL (or one in ``<...>``); where it ends is decided by :func:`_bare_urls`.
_URL_START_RE = re.compile(r"<(https?://[^\s<>]+)>|https?://[^\s<>]+")


_CHECKED_RE = re.compile(r"\[\s*[xX✓✔]\s*\]\s*([^\[\]|\n,;]+)")


def _is_option_list(text: str) -> bool:
    """``[ Draft | Under Review | Approved ]``: a template's choices (three or more).

    Read by splitting, not by a pattern: ``(\\s*\\|\\s*[^|]+){2,}`` could split a run of
    blanks in many ways (a value of 50,000 spaces hung ``dep migrate``).
    """
    body = text[1:] if text.startswith("[") else text
    parts = body.split("|")
    if len(parts) < 3 or not all(parts[1:]):
        return False
    first = parts[0]
    closed = first.rstrip()
    if closed.endswith("]"):
        first = closed[:-1]
    return bool(first) and "[" not in first and "]" not in first


_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


_HANDLE_WORD_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:/[A-Za-z0-9_.-]+)?$")


@dataclass
class _Context:
    """What the value readers need to report on one field."""

    path: str
    fld: _Field
    decisions: list[Decision]
    config: DepConfig

    def add(self, kind: Kind, message: str, option: str | None = None) -> None:
        name = option or self.fld.canonical or _legacy_name(self.fld.name)
        self.decisions.append(Decision(kind, self.path, self.fld.line, name, message))


def _strip_comments(value: str, ctx: _Context) -> str:
    """The value without HTML comments; a comment that is not template text is kept aside."""
    for match in _COMMENT_RE.finditer(value):
        inner = match.group(1).strip()
        if not inner:
            continue
        if _looks_like_placeholder(inner) or _is_option_list(inner):
            ctx.add(Kind.EMPTY, f"template hint {_short(match.group(0))} removed")
        else:
            ctx.add(Kind.HUMAN, f"comment {_short(match.group(0))} kept beside the block")
            ctx.fld.comments.append(match.group(0))
    return _COMMENT_RE.sub("", value).strip()


def _looks_like_placeholder(text: str) -> bool:
    text = text.strip()
    if not text:
        return False
    if re.fullmatch(r"\[[^\]]*\]", text) or re.fullmatch(r"<[^<>]*>", text):
        inner = text[1:-1]
        if re.fullmatch(r"\s*[xX ]?\s*", inner):
            return False
        if "://" in inner:
            return False
        return bool(_PLACEHOLDER_WORDS.search(inner)) or not inner.strip()
    return False


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _empty_or_placeholder(value: str, ctx: _Context) -> bool:
    """True when the value says nothing; reports what it was."""
    stripped = _unwrap(value)
    if not stripped:
        ctx.add(Kind.EMPTY, "empty -> none")
        return True
    if is_empty(stripped):
        ctx.add(Kind.EMPTY, f"{_short(stripped)} -> none")
        return True
    if _looks_like_placeholder(stripped):
        ctx.add(Kind.EMPTY, f"template placeholder {_short(stripped)} -> none")
        return True
    if _is_option_list(stripped) and not _CHECKED_RE.search(stripped):
        ctx.add(Kind.EMPTY, f"template choices {_short(stripped)} left unchosen -> none")
        return True
    return False


def _checked_option(value: str, ctx: _Context) -> str:
    """``[ ] Draft [x] Approved`` -> ``Approved``: the one checked option of a list."""
    checked = [str(c).strip() for c in _CHECKED_RE.findall(value)]
    if len(checked) == 1 and re.search(r"\[\s*\]", value):
        ctx.add(Kind.NORMALISED, f"checked option {checked[0]!r} read from the list")
        return checked[0]
    if len(checked) == 1 and re.fullmatch(r"\s*[-*+]?\s*\[\s*[xX✓✔]\s*\]\s*[^\n]+", value):
        return checked[0]
    return value


def _lookup_status(text: str) -> tuple[Status | None, bool]:
    """The status a word names, and whether it took a legacy alias to tell."""
    status = Status.lookup(text)
    if status is not None:
        return status, False
    alias = STATUS_ALIASES.get(normalize_key(text))
    return alias, alias is not None


def _status(value: str, ctx: _Context) -> tuple[str | None, str | None]:
    """(option value, legacy value)."""
    text = " ".join(_unwrap(_checked_option(value, ctx)).split())
    status, alias = _lookup_status(text)
    if status is not None:
        if status.value != text:
            why = " (legacy status word)" if alias else ""
            ctx.add(Kind.NORMALISED, f"{text!r} -> {status.value}{why}")
        return status.value, None
    # "Approved (2025-04-16)", "Accepted - merged in #12": the status, with the rest kept.
    annotated = re.match(r"^(.+?)\s*(?:\(.*\)|[-–—:;,]\s+.*)$", text)
    if annotated:
        status, _ = _lookup_status(_unwrap(annotated.group(1)))
        if status is not None:
            ctx.add(Kind.NORMALISED, f"{text!r} -> {status.value}; the full text is kept as :legacy-status:")
            return status.value, text
    ctx.add(
        Kind.HUMAN, f"{text!r} is none of the eight statuses ({Status.allowed()}); kept as :legacy-status:"
    )
    return None, text


def _category(value: str, ctx: _Context) -> tuple[str | None, str | None]:
    text = " ".join(_unwrap(_checked_option(value, ctx)).split())
    categories = tuple(ctx.config.categories)
    found = lookup_category(text, categories)
    if found is not None:
        if found != text:
            ctx.add(Kind.NORMALISED, f"{text!r} -> {found}")
        return found, None
    # "Architecture - CI/CD": one part names exactly one configured category.
    parts = [p for p in re.split(r"\s+-\s+|\s*[,;:|()]\s*|\s+/\s+", text) if p.strip()]
    candidates = {
        category
        for category in categories
        for part in parts
        if normalize_key(part) == normalize_key(category)
    }
    if len(parts) > 1 and len(candidates) == 1:
        chosen = candidates.pop()
        ctx.add(Kind.NORMALISED, f"{text!r} -> {chosen}; the full text is kept as :legacy-category:")
        return chosen, text
    allowed = ", ".join(categories)
    reason = "names several configured categories" if candidates else "matches no configured category"
    ctx.add(Kind.HUMAN, f"{text!r} {reason} ({allowed}); kept as :legacy-category:")
    return None, text


def _date(value: str, ctx: _Context) -> tuple[str | None, str | None]:
    text = " ".join(_unwrap(value).split())
    found = guess_date(text)
    if found is None:
        ctx.add(
            Kind.HUMAN, f"{text!r} is not a date this tool can read; kept as :legacy-{ctx.fld.canonical}:"
        )
        return None, text
    iso = found.isoformat()
    if iso != text:
        numeric = re.fullmatch(r"(\d{1,2})\D(\d{1,2})\D\d{4}", text)
        note = ""
        if (
            numeric
            and int(numeric.group(1)) <= 12
            and int(numeric.group(2)) <= 12
            and numeric.group(1) != numeric.group(2)
        ):
            note = " (read month first, as US dates are written)"
        ctx.add(Kind.NORMALISED, f"{text!r} -> {iso}{note}")
    return iso, None


def _split_items(text: str) -> list[str]:
    """Items of a list value: Markdown links stay whole; commas, semicolons, "and", lines split.

    Words that are all handles, links or URLs (``@a @b``) are items of their own.
    """
    # Links may hold commas; set them aside while splitting, then put them back.
    masked_links: list[str] = []

    def mask(match: re.Match[str]) -> str:
        masked_links.append(match.group(0))
        return f"\x00{len(masked_links) - 1}\x00"

    def restore(chunk: str) -> str:
        return re.sub(r"\x00(\d+)\x00", lambda m: masked_links[int(m.group(1))], chunk)

    masked = _MD_LINK_RE.sub(mask, text.replace("\x00", ""))
    # A bare URL may hold a comma or a semicolon (not followed by a space): kept whole too.
    for start, end, _url in reversed(_bare_urls(masked)):
        masked_links.append(masked[start:end])
        masked = f"{masked[:start]}\x00{len(masked_links) - 1}\x00{masked[end:]}"
    items: list[str] = []
    for chunk in re.split(r"\s*(?:[,;\n]|\band\b|&)\s*", masked):
        chunk = re.sub(r"^(?:[-*+]|\d{1,9}[.)])\s+", "", chunk.strip()).strip()
        if not chunk:
            continue
        words = chunk.split()
        if len(words) > 1 and all(w.startswith(("@", "\x00")) or "://" in w for w in words):
            items.extend(restore(w) for w in words)
        else:
            items.append(restore(chunk))
    return items


def _people(value: str, ctx: _Context) -> tuple[str | None, str | None]:
    option = ctx.fld.canonical or ""
    written: list[str] = []
    leftover: list[str] = []
    guessed: list[str] = []
    unbracketed: list[str] = []
    for item in _split_items(value):
        text = _unwrap(item)
        if is_empty(text) or _looks_like_placeholder(text):
            ctx.add(Kind.EMPTY, f"{_short(text)} -> none")
            continue
        if re.fullmatch(r"\[[^\]]+\]", text):
            text = text[1:-1].strip()
            unbracketed.append(text)
        # A bare lower-case word or one with digits is a GitHub handle (names are capitalised).
        if (
            not text.startswith("@")
            and _HANDLE_WORD_RE.match(text)
            and (text == text.lower() or re.search(r"\d", text))
        ):
            guessed.append(text)
            text = "@" + text
        status_note = ""
        if _EMAIL_RE.search(text):
            leftover.append(item.strip())  # an e-mail address has no place in dep-meta; keep it all
            continue
        # "Ryan Olson (@ryanolson)" or "Ryan Olson ([@ryanolson](https://github.com/ryanolson))"
        named = re.match(r"^([^()\[\]@]+?)\s*\(\s*(@[\w.-]+(?:/[\w.-]+)?|\[[^\]]*\]\([^()\s]*\))\s*\)$", text)
        if named:
            inner = parse_person(named.group(2))
            if inner is not None and inner.handle:
                text = f"{named.group(1).strip()} <https://github.com/{inner.handle}>"
        if option == "required-reviewers":
            # "@a ✅": a review marked with a check (or a cross) is approved (or rejected).
            marked = re.match(r"^(.*?)\s*(✅|✔️?|☑️?|❌|✖️?)$", text)
            if marked and marked.group(1):
                verdict = "rejected" if marked.group(2) in {"❌", "✖", "✖️"} else "approved"
                text = f"{marked.group(1)} ({verdict})"
        paren = None if _MD_LINK_RE.fullmatch(text) else re.match(r"^(.*?)\s*\(([^()]*)\)$", text)
        if paren and option == "required-reviewers":
            if ReviewStatus.lookup(paren.group(2)) is None:
                leftover.append(item.strip())
                continue
            text, status_note = paren.group(1), f" ({paren.group(2).strip().lower()})"
        person = parse_person(text)
        # A name does not hold brackets or a colon ("Docs: @b" is a label and a person).
        if person is None or (
            not person.handle and not person.url and re.search(r"[<>\[\]():]", person.name)
        ):
            leftover.append(item.strip())
            continue
        written.append(person.to_text() + status_note)
    if unbracketed:
        ctx.add(Kind.NORMALISED, f"brackets removed around {', '.join(map(repr, unbracketed))}")
    if guessed:
        ctx.add(
            Kind.NORMALISED,
            f"read {', '.join(map(repr, guessed))} as GitHub handle(s) {', '.join('@' + g for g in guessed)}",
        )
    if leftover:
        ctx.add(
            Kind.HUMAN, f"cannot read {', '.join(map(repr, leftover))} as people; kept as :legacy-{option}:"
        )
    new = ", ".join(written) or None
    return new, (", ".join(leftover) or None)


def _urls(value: str) -> tuple[list[tuple[str, str | None]], str]:
    """The links of a value ((url, label) pairs, in order) and the text left around them."""
    found: list[tuple[int, str, str | None]] = []
    rest = value
    for match in _MD_LINK_RE.finditer(value):
        found.append((match.start(), match.group(2), match.group(1).strip()))
    rest = _MD_LINK_RE.sub(lambda match: " " * len(match.group(0)), value)
    for start, end, url in reversed(_bare_urls(rest)):
        found.append((start, url, None))
        rest = rest[:start] + " " + rest[end:]
    found.sort(key=lambda item: item[0])
    leftover = re.sub(r"(?:^|\s)[-*+](?=\s)|[,;|]|\band\b|&", " ", rest)
    return [(url, label) for _, url, label in found], " ".join(leftover.split())


_URL_TRAILING = ".,;:!?*_~'\""


def _bare_urls(text: str) -> list[tuple[int, int, str]]:
    """The bare ``http(s)`` URLs of a text: ``(start, end, url)``, in order.

    A URL in ``<...>`` is all that the brackets hold. Otherwise it runs to white space or
    ``<``, and then, as GitHub reads autolinks: a comma or semicolon followed by a space
    (or by another URL) ends it, trailing punctuation is not part of it, and a closing
    parenthesis or bracket at its end is part of it only when it closes one opened inside
    (``https://en.wikipedia.org/wiki/Foo_(bar)`` whole; ``(see https://x.org/a)`` without ``)``).
    """
    found: list[tuple[int, int, str]] = []
    for match in _URL_START_RE.finditer(text):
        if match.group(1) is not None:
            found.append((match.start(), match.end(), match.group(1)))
            continue
        url = match.group(0)
        cut = re.search(r"[,;](?=\s|$|https?://)", url)
        if cut:
            url = url[: cut.start()]
        while url:
            if (
                url[-1] in _URL_TRAILING
                or (url[-1] == ")" and url.count(")") > url.count("("))
                or (url[-1] == "]" and url.count("]") > url.count("["))
            ):
                url = url[:-1]
            else:
                break
        if len(url) > len("https://"):
            found.append((match.start(), match.start() + len(url), url))
    return found


def _trivial_label(label: str | None, url: str) -> bool:
    if not label:
        return True
    number = re.search(r"/(?:pull|issues)/(\d+)", url)
    key = normalize_key(label)
    return key in {"pr", "prlink", "link", "issue", "pullrequest", normalize_key(url)} or bool(
        number and key in {number.group(1), "pr" + number.group(1), "issue" + number.group(1)}
    )


def _links(value: str, ctx: _Context, single: bool) -> tuple[str | None, str | None]:
    links, leftover = _urls(value)
    urls: list[str] = []
    for url, label in links:
        if "," in url:
            # dep-meta separates links with commas: one inside a link is written %2C.
            encoded = url.replace(",", "%2C")
            ctx.add(Kind.NORMALISED, f"{url!r} -> {encoded} (a comma inside a link is written %2C)")
            url = encoded
        safe = parsing.check_url(url, None, ctx.fld.canonical or "")
        if safe is None:
            leftover = (
                f"{leftover} [{label}]({url})".strip() if label is not None else f"{leftover} {url}".strip()
            )
            continue
        urls.append(safe)
        if label is not None and not _trivial_label(label, safe):
            ctx.add(Kind.NORMALISED, f"link [{label}]({safe}) -> {safe} (label dropped)")
        elif label is not None:
            ctx.add(Kind.NORMALISED, f"link [{label}](…) -> {safe}")
    legacy: list[str] = []
    if re.fullmatch(r"[\s.,;:!?]*", leftover):
        leftover = ""  # the punctuation of a sentence the links stood in, nothing more
    if leftover and not is_empty(leftover) and not _looks_like_placeholder(leftover):
        legacy.append(leftover)
        ctx.add(Kind.HUMAN, f"{leftover!r} is not a link; kept as :legacy-{ctx.fld.canonical}:")
    if single and len(urls) > 1:
        ctx.add(
            Kind.HUMAN,
            f"one URL expected, {len(urls)} found; the others are kept as :legacy-{ctx.fld.canonical}:",
        )
        legacy.extend(urls[1:])
        urls = urls[:1]
    return (", ".join(urls) or None), (", ".join(legacy) or None)


def _refs(value: str, ctx: _Context) -> tuple[str | None, str | None]:
    from .relations import name_of

    written: list[str] = []
    leftover: list[str] = []
    unclear: list[str] = []
    for item in _split_items(value):
        text = _unwrap(item)
        if is_empty(text) or _looks_like_placeholder(text):
            ctx.add(Kind.EMPTY, f"{_short(text)} -> none")
            continue
        partial = ctx.fld.partial
        paren = re.match(r"^(.*?)\s*\(\s*(partial|partially|in part)\s*\)$", text, re.I)
        if paren:
            text, partial = paren.group(1).strip(), True
        link = _MD_LINK_RE.fullmatch(text)
        ref: DepRef | None = None
        if link:
            label, target = link.group(1).strip(), link.group(2)
            # [DEP-0003](...) or [the old one](0003-old.md): the label or the file names it.
            number = _ref_number(label)
            if number is None:
                number = number_from_filename(target.rstrip("/").rsplit("/", 1)[-1])
            if number is not None:
                ref = DepRef(number=number, partial=partial)
            elif parsing.check_url(target, None, "") is not None:
                ref = DepRef(url=target, partial=partial)
        elif (number := _ref_number(text)) is not None and number > 0:
            ref = DepRef(number=number, partial=partial)
        elif parsing.check_url(text, None, "") is not None:
            number = number_from_filename(text.rstrip("/").rsplit("/", 1)[-1])
            ref = DepRef(number=number, url=None if number else text, partial=partial)
        if ref is None:
            why = name_of(text).why
            if link or why.endswith("not a number"):
                # A link to an unnumbered draft (0000-x.md), DEP-0000, DEP-XXXX: said why.
                unclear.append(item.strip())
                ctx.add(Kind.HUMAN, f"{_short(item.strip())} {why}; kept as :legacy-{ctx.fld.canonical}:")
            else:
                leftover.append(item.strip())
            continue
        rendered = ref.to_text(ctx.config.id_prefix, ctx.config.id_width)
        if rendered != item.strip():
            ctx.add(Kind.NORMALISED, f"{item.strip()!r} -> {rendered}")
        written.append(rendered)
    if leftover:
        ctx.add(
            Kind.HUMAN,
            f"{', '.join(map(repr, leftover))} names no proposal; kept as :legacy-{ctx.fld.canonical}:",
        )
    return (", ".join(written) or None), (", ".join([*unclear, *leftover]) or None)


def _ref_number(text: str) -> int | None:
    """``DEP-0003``, ``TEP 3``, ``0003`` -> 3 (``#3`` is an issue, not a proposal)."""
    return parse_id(text, prefix=None)


def _plain(value: str, ctx: _Context) -> tuple[str | None, str | None]:  # noqa: ARG001 (a value reader)
    """A value no reader knows: its words, white space folded."""
    return " ".join(value.split()) or None, None


def _legacy_name(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower().replace("(s)", "s")).strip("-")
    return slug or "field"
