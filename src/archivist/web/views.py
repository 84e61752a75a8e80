"""The web app's host pages: sign-in and sign-out (Django sessions) and the single-page app."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie

from archivist.web import frontend

NOT_BUILT = (
    "<!doctype html><title>Archivist</title><h1>The web app is not built</h1>"
    "<p>Build it with <code>scripts/build-frontend</code> (or start Archivist with "
    "<code>scripts/run</code>, which builds it). The back office is at "
    '<a href="/admin/">/admin/</a> and the API at <a href="/api/docs/">/api/docs/</a>.</p>'
)


@ensure_csrf_cookie
def app(request: HttpRequest, route: str = "") -> HttpResponse:
    """Every page of the single-page app: its index, which routes on the client. Signing in
    comes first; the CSRF cookie is set for the app's writes (sent back as X-CSRFToken)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    html = frontend.index_html()
    if html is None:
        return HttpResponse(NOT_BUILT, status=503)
    response = HttpResponse(html)
    response["Cache-Control"] = "no-cache"
    return response


@ensure_csrf_cookie
def visitor_app(request: HttpRequest, token: str) -> HttpResponse:
    """A share's page reached by its token link: the same app, without signing in (the visitor
    API checks the token, its expiry and its password)."""
    html = frontend.index_html()
    if html is None:
        return HttpResponse(NOT_BUILT, status=503)
    response = HttpResponse(html)
    response["Cache-Control"] = "no-cache"
    response["Referrer-Policy"] = "no-referrer"
    return response


class SignInView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    next_page = "login"
