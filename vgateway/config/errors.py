"""Configuration problems as data: where they are (file, line, column, field) and what is wrong."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vgateway.redact import redact_text

# A path into the configuration tree, e.g. ("cameras", 12, "streams", "main", "url").
FieldPath = tuple[str | int, ...]


def format_field(path: Iterable[str | int]) -> str:
    """Render a path the way operators read it: ``cameras[12].streams.main.url``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class ConfigIssue:
    """One problem in a configuration file. Lines and columns are 1-based."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        # The message never should hold a secret; masking again costs nothing and guards mistakes.
        message = redact_text(self.message)
        return f"{where}: {self.field}: {message}" if self.field else f"{where}: {message}"

    def sort_key(self) -> tuple[str, int, int]:
        return (self.file, self.line or 0, self.column or 0)


class ConfigError(Exception):
    """A configuration could not be loaded; carries every problem found, not just the first."""

    def __init__(self, issues: Iterable[ConfigIssue]) -> None:
        self.issues: list[ConfigIssue] = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))

    def __str__(self) -> str:
        return "\n".join(str(issue) for issue in self.issues)
