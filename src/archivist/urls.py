from django.contrib import admin
from django.urls import include, path

from archivist.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("api/", include("archivist.api.urls")),
]
