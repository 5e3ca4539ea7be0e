"""Where a form may send the browser next."""
from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this site: no scheme, no host, no backslash tricks."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(ch) < 32 for ch in target):
        return fallback
    return target
