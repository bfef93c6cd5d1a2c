"""Where a form may send the browser back to: only a path on this site, never an open redirect."""
from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    """The target if it is a path on this site, else None."""
    target = (target or "").strip()
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or "\\" in target or parts.scheme or parts.netloc:
        return None
    return target
