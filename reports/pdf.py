"""Render report HTML to a tagged PDF with WeasyPrint, loading nothing but our own static files.

WeasyPrint is imported inside the functions: its cold import takes seconds, and only the
report views need it.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

PDF_VARIANT = "pdf/ua-1"


class ForbiddenResource(ValueError):
    """A report asked for something other than one of the app's own static files."""


def static_file_for(url: str, *, base_url: str) -> Path:
    """The local file behind a static URL of this app, or ForbiddenResource.

    Only URLs under STATIC_URL (resolved against `base_url`, so on the same origin) are
    served: no other host, no other scheme, no file:// path, no `..` out of the static tree.
    """
    prefix = urljoin(base_url, settings.STATIC_URL)
    parts = urlsplit(url)
    bare = parts._replace(query="", fragment="").geturl()
    if not bare.startswith(prefix):
        raise ForbiddenResource(f"not a static file of this app: {url}")
    relative = unquote(bare[len(prefix) :])
    segments = relative.split("/")
    if not relative or any(s in ("", ".", "..") for s in segments) or "\\" in relative:
        raise ForbiddenResource(f"not a static file path: {url}")
    found = finders.find(relative)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    raise ForbiddenResource(f"no such static file: {url}")


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """WeasyPrint 70 takes a URLFetcher instance; `fetch(url, headers)` does the work."""

        def __init__(self, *, base_url: str):
            super().__init__()
            self.base_url = base_url

        def fetch(self, url, headers=None):
            path = static_file_for(url, base_url=self.base_url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyFetcher


def render_pdf(html: str, *, base_url: str) -> bytes:
    """A tagged PDF/UA-1 document of `html`; relative URLs resolve against `base_url`.

    The document's language comes from `<html lang>` (the report templates set it to the
    active language) and its title from `<title>`.
    """
    from weasyprint import HTML

    fetcher = _fetcher_class()(base_url=base_url)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT)
