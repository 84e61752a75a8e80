"""A record's attachment box alone, for other web apps to frame (`/embed/records/…`).

The page is the single-page app's index (its embed route shows the box without the top bar);
it uses the browser's Archivist session like every other page. Only the origins listed in
`ARCHIVIST_EMBED_ORIGINS` may frame it: the answer carries a CSP `frame-ancestors` naming them
(and Archivist itself), and this route alone leaves out the X-Frame-Options header Django sets
everywhere else. A visitor who is not signed in gets a short page with a sign-in link opening
in a new tab (the sign-in page itself may not be framed).
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import ensure_csrf_cookie

from archivist.web import frontend
from archivist.web.views import NOT_BUILT

SIGN_IN_FIRST = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Archivist</title>"
    '<meta name=viewport content="width=device-width, initial-scale=1">'
    '<body style="font:14px system-ui,sans-serif;padding:1rem">'
    "<p>Sign in to Archivist to see these attachments.</p>"
    '<p><a href="{login}" target="_blank" rel="noopener">Sign in</a> (in a new tab), '
    "then reload this page.</p></body></html>"
)


def frame_ancestors() -> str:
    """The CSP directive listing who may frame the embedded box."""
    return " ".join(["frame-ancestors", "'self'", *settings.EMBED_ORIGINS])


@xframe_options_exempt
@ensure_csrf_cookie
def record_box(request: HttpRequest, route: str) -> HttpResponse:
    """The embeddable attachment box of the record named by `route` (source/model/id); the
    app reads the record from the URL and asks the API, which checks the user may read it."""
    if not request.user.is_authenticated:
        login = f"{reverse('login')}?next={quote(request.get_full_path())}"
        response = HttpResponse(SIGN_IN_FIRST.format(login=escape(login)), status=401)
    else:
        html = frontend.index_html()
        response = HttpResponse(html, status=200) if html else HttpResponse(NOT_BUILT, status=503)
    response["Cache-Control"] = "no-cache"
    response["Content-Security-Policy"] = frame_ancestors()
    return response
