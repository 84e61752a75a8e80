"""Routes of the people and groups directory."""

from django.urls import path

from archivist.api import directory

urlpatterns = [
    path("directory/people/", directory.PeopleView.as_view(), name="directory-people"),
    path("directory/groups/", directory.GroupsView.as_view(), name="directory-groups"),
]
