"""What a delivery writer reports back, and the error it raises on bad output paths."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import NngradeError


class DeliveryError(NngradeError):
    """A delivery cannot be written (for example, its output folder is not empty)."""


@dataclass(frozen=True)
class Delivery:
    """Where a delivery was written and the lines ``nngrade`` prints about it."""

    path: Path
    lines: tuple[str, ...] = field(default=())
