"""Where a redirect may go: a path on this site, never another origin.

Browsers forgive a lot when they read a Location header: they drop tabs and line breaks, treat
a backslash like a slash, and read `//host` or `/\\host` as another site. Anything that could
be read that way is refused rather than cleaned up.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

MAX_LENGTH = 2000


def _is_local_path(path: str) -> bool:
    if not path.startswith("/") or path.startswith(("//", "/\\")):
        return False
    # Control characters and spaces (browsers drop tabs and newlines), backslashes (read as /).
    return not ("\\" in path or any(ord(c) < 0x21 or ord(c) == 0x7F for c in path))


def safe_redirect_target(target: str | None, fallback: str, *, host_url: str | None = None) -> str:
    """`target` when it names a path on this site, else `fallback`.

    `host_url` ("https://atelier.example/", from request.host_url) lets an absolute URL of this
    very site through, as a path: that is what a Referer header holds.
    """
    if not target or len(target) > MAX_LENGTH:
        return fallback
    if host_url and not target.startswith("/"):
        own = urlsplit(host_url)
        parts = urlsplit(target)
        if (parts.scheme, parts.netloc) != (own.scheme, own.netloc) or parts.username:
            return fallback
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    if not _is_local_path(target) or urlsplit(target).netloc:
        return fallback
    # Judge the decoded path too: "/%2F/evil" or "/%5Cevil" must not become another site for
    # a proxy or a browser that decodes before resolving. (The query may hold anything encoded.)
    decoded_path = unquote(target.split("?", 1)[0])
    if not _is_local_path(decoded_path) or urlsplit(decoded_path).netloc:
        return fallback
    return target
