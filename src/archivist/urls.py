from django.contrib import admin
from django.urls import include, path, re_path

from archivist.web import views

urlpatterns = [
    path("", views.app, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    # The single-page app's own pages (the client routes them).
    re_path(r"^(?P<route>(?:files|records)(?:/.*)?)$", views.app, name="app"),
    path("admin/", admin.site.urls),
    path("api/", include("archivist.api.urls")),
]
