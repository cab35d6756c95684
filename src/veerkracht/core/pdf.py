"""PDF rendering for every document the system produces.

``render_pdf`` renders a Django template to an accessible (tagged, PDF/UA-1) A4
document with the project's own print stylesheet and the system's DejaVu fonts,
which WeasyPrint embeds. Nothing is fetched from the network: the URL fetcher
serves the project's static files and refuses everything else, so a template
cannot leak a request (or a secret) to another host.

WeasyPrint is imported inside the function: it is heavy and only needed here.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

PDF_STYLESHEET = "veerkracht/css/pdf.css"
# A base URL that can never be reached: relative and /static/ URLs in a template resolve
# against it, and the fetcher maps only its static part to files on disk.
BASE_URL = "https://veerkracht.invalid/"


class PDFResourceRefused(ValueError):
    """A template asked for something other than a static file of the project."""


def static_path(url: str) -> Path:
    """The file on disk for a static URL under BASE_URL; PDFResourceRefused otherwise."""
    from django.contrib.staticfiles import finders

    prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
    if not url.startswith(prefix):
        raise PDFResourceRefused(f"refused to fetch {url!r}: only the project's static files")
    relative = url[len(prefix):].split("?", 1)[0].split("#", 1)[0]
    normalised = posixpath.normpath(relative)
    if normalised.startswith(("..", "/")) or normalised in ("", "."):
        raise PDFResourceRefused(f"refused to fetch {url!r}")
    found = finders.find(normalised)
    if not found:
        raise PDFResourceRefused(f"no static file {normalised!r}")
    return Path(found if isinstance(found, str) else found[0])


def _stylesheet_text() -> str:
    return static_path(BASE_URL.rstrip("/") + settings.STATIC_URL + PDF_STYLESHEET).read_text(encoding="utf-8")


def render_pdf(template_name: str, context: dict[str, Any], *, request: Any = None) -> bytes:
    """Render ``template_name`` with ``context`` to PDF bytes (A4, PDF/UA-1, embedded fonts).

    The template should extend ``pdf/base.html``, which sets the document language
    from the active language and gives the document a title.
    """
    import weasyprint  # lazy: heavy, and only PDFs need it
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = static_path(url)
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _content_type(path)})

    fetcher = StaticOnlyFetcher(fail_on_errors=False)
    context = {"pdf_language": translation.get_language() or settings.LANGUAGE_CODE, **context}
    html = render_to_string(template_name, context, request=request)
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    stylesheet = weasyprint.CSS(string=_stylesheet_text(), base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/ua-1")


def _content_type(path: Path) -> str:
    return {
        ".css": "text/css",
        ".png": "image/png",
        ".svg": "image/svg+xml",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".ttf": "font/ttf",
        ".woff2": "font/woff2",
    }.get(path.suffix.lower(), "application/octet-stream")
