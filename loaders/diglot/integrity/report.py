"""What the checks share: a `Problem`, the report that collects them, and the
corpus's configs read once as polars frames that remember where each row came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa

# Columns every frame carries so that a problem can name its file and row.
FILE, ROW = "__file", "__row"


@dataclass(frozen=True)
class Problem:
    """One failed check. `row` is a 0-based Parquet row, `line` a 1-based text line."""

    file: str
    reason: str
    check: str = "invariant"
    row: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f": row {self.row}"
        if self.line is not None:
            where += f": line {self.line}"
        return f"{where}: {self.reason}"


@dataclass
class Table:
    """One config's rows (None: unreadable, or not of the expected schema)."""

    name: str
    files: list[str]
    schema: pa.Schema | None
    frame: pl.DataFrame | None = None

    @property
    def usable(self) -> bool:
        return self.schema is not None and self.frame is not None

    def drop(self) -> None:
        """Stop checking this config's rows: its problem is already reported."""
        self.schema, self.frame = None, None


class Report:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, reason: str, check: str, *, row: int | None = None, line: int | None = None) -> None:
        self.problems.append(Problem(file=file, reason=reason, check=check, row=row, line=line))

    def rows(self, found: pl.DataFrame, reason: Any, check: str = "invariant") -> None:
        """One problem per row of `found` (which carries FILE and ROW); `reason`
        is a string or a function of the row as a dict."""
        for row in found.to_dicts():
            self.add(row[FILE], reason(row) if callable(reason) else reason, check, row=row[ROW])


def frame_of(table: pa.Table, file: str) -> pl.DataFrame:
    return pl.from_arrow(table).with_columns(pl.lit(file).alias(FILE), pl.int_range(pl.len()).alias(ROW))
