"""What the migrator decided about each value: normalised, empty, needs a human, a note."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ..core import escape
from ..core.diagnostics import Code, Diagnostic


class Kind(enum.Enum):
    """What the migrator did with a value. The value is the label ``dep migrate`` prints;
    :attr:`code` is the rule of :class:`~sphinxcontrib_dep.core.diagnostics.Code` a decision
    of this kind reports, ``None`` for the kinds that are not problems."""

    def __new__(cls, label: str, code: Code | None) -> Kind:
        member = object.__new__(cls)
        member._value_ = label
        member.code = code
        return member

    code: Code | None

    NORMALISED = ("normalised", None)
    EMPTY = ("empty", None)
    #: A legacy value the migrator could not map: kept for a person to fix (``dep.migrate``).
    HUMAN = ("needs a human", Code.MIGRATE)
    NOTE = ("note", None)


@dataclass(frozen=True)
class Decision:
    """What the migrator did with one value, located in the legacy file."""

    kind: Kind
    path: str
    line: int | None
    field: str
    message: str

    def diagnostic(self) -> Diagnostic | None:
        """The decision as the problem it reports (:attr:`Kind.code`), or ``None`` if it is none."""
        if self.kind.code is None:
            return None
        label = f"{self.field}: " if self.field else ""
        return Diagnostic(self.kind.code, f"{label}{self.message}", self.path, self.line)

    def format(self) -> str:
        """``path:line: field: message [kind]``, one line: every value in it escaped."""
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        label = f"{self.field}: " if self.field else ""
        return escape.text(f"{where}: {label}{self.message}") + f" [{self.kind.value}]"


@dataclass
class Migration:
    """The result of migrating one file's text."""

    path: str
    text: str
    new_text: str
    decisions: list[Decision] = field(default_factory=list)
    #: The ``dep-meta`` options written, in order.
    options: dict[str, str] = field(default_factory=dict)
    #: ``migrated``, ``unchanged`` (already has dep-meta) or ``skipped`` (no header / no title).
    outcome: str = "skipped"
    #: 0-based ``[start, end)`` line range of the legacy header that was replaced.
    header: tuple[int, int] | None = None
    #: 0-based line after which the block was inserted (the title's last line + 1).
    insert_at: int | None = None
    #: The file's bytes as read (``--in-place`` writes only over exactly these).
    original: bytes | None = field(default=None, repr=False)

    @property
    def changed(self) -> bool:
        return self.new_text != self.text

    def count(self, kind: Kind) -> int:
        return sum(1 for d in self.decisions if d.kind is kind)
