from django.contrib import admin
from django.urls import include, path, re_path

from archivist.web import embed, views

urlpatterns = [
    path("", views.app, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    # The single-page app's own pages (the client routes them).
    re_path(
        r"^(?P<route>(?:files|records|portal|sync|fleet|settings)(?:/.*)?)$",
        views.app,
        name="app",
    ),
    # A record's attachment box alone, for other web apps to frame (ARCHIVIST_EMBED_ORIGINS).
    re_path(r"^embed/records/(?P<route>[^/]+/[^/]+/[^/]+)/?$", embed.record_box, name="embed-box"),
    # A share's page by its token link: open to visitors who are not signed in.
    re_path(r"^s/(?P<token>[^/]+)/?$", views.visitor_app, name="share-page"),
    path("admin/", admin.site.urls),
    path("api/", include("archivist.api.urls")),
]
