"""Plain records and the import error shared by the importers and the merge step."""
from dataclasses import dataclass, field

MAX_LISTED_PROBLEMS = 20


@dataclass(frozen=True)
class StreetRecord:
    name: str
    admin_code: str | None
    geom: object  # shapely MultiPolygon, WGS-84
    source: str


@dataclass(frozen=True)
class SegmentRecord:
    source_id: str
    name: str | None
    geom: object  # shapely LineString, WGS-84
    source: str  # attribution text


@dataclass
class AlleyRecord:
    street_name: str
    name: str
    geom: object  # shapely MultiLineString, WGS-84
    length_m: float
    segment_ids: list[str]
    source: str


def add_counts(total, more):
    """Add the reason->count dict `more` into `total` and return `total`."""
    for reason, n in more.items():
        total[reason] = total.get(reason, 0) + n
    return total


@dataclass
class ImportSummary:
    segments_read: int = 0
    imported: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def line(self):
        """One human-readable summary line."""
        text = f"read {self.segments_read} segments, imported {self.imported}"
        if self.skipped:
            reasons = ", ".join(f"{r}: {n}" for r, n in sorted(self.skipped.items(), key=lambda kv: -kv[1]))
            text += f", skipped {sum(self.skipped.values())} ({reasons})"
        return text


class GeoImportError(Exception):
    """Input rejected; `problems` lists each offending feature and what is wrong with it."""

    def __init__(self, problems, source=None):
        self.problems = list(problems)
        self.source = source
        super().__init__(str(self))

    def __str__(self):
        where = f" in {self.source}" if self.source else ""
        lines = [f"{len(self.problems)} problem(s){where}:"]
        lines += [f"  - {p}" for p in self.problems[:MAX_LISTED_PROBLEMS]]
        if len(self.problems) > MAX_LISTED_PROBLEMS:
            lines.append(f"  and {len(self.problems) - MAX_LISTED_PROBLEMS} more")
        return "\n".join(lines)
