"""The built single-page app: `frontend/dist`, made by `npm run build` (scripts/build-frontend).

Its assets are static files under `/static/app/` (served by WhiteNoise); its `index.html` is
served by the SPA host view for every page of the app, so a reload of any app URL works.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

_cache: dict[Path, tuple[float, str]] = {}


def index_html() -> str | None:
    """The built index page, or None when the app was not built.

    The copy collected with the assets when the server started (`archivist serve` runs
    collectstatic) comes first, so the page always names assets the server has: a rebuild
    while a server runs takes effect at its restart. Without a collected copy (tests,
    `manage runserver`), the one in frontend/dist, read again when it changes."""
    collected = Path(settings.STATIC_ROOT) / "app" / "index.html"
    path = collected if collected.is_file() else Path(settings.FRONTEND_DIST) / "index.html"
    try:
        modified = path.stat().st_mtime
    except FileNotFoundError:
        return None
    cached = _cache.get(path)
    if cached is None or cached[0] != modified:
        cached = (modified, path.read_text(encoding="utf-8"))
        _cache[path] = cached
    return cached[1]
