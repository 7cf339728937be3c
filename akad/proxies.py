"""Where the client's address comes from, behind reverse proxies (for login throttling)."""

from __future__ import annotations


def client_address_settings(*, proxies: int) -> dict:
    """django-axes settings that find the client's address behind `proxies` reverse proxies.

    With none, the connection's own address (REMOTE_ADDR) is the client. With proxies, each
    appends the address it saw to X-Forwarded-For; the client is the entry the first of our
    proxies added (django-ipware counts only the proxies before the last one), and a header
    the client sent itself does not match that shape and gives no address at all.
    """
    if proxies <= 0:
        return {"AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",)}
    return {
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR",),
        "AXES_IPWARE_PROXY_COUNT": proxies - 1,
    }


def client_address(request) -> str:
    """The client's address as login throttling sees it (the settings above, through axes),
    for the app's own throttles; "unknown" when the headers do not give one (a header the
    client made up itself), so that such clients share one count instead of escaping it."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"
