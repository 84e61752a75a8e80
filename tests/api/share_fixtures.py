"""Fixtures for the share tests: people in each role, a small library of folders, tags and
files, shares over it, and API clients signed in as anyone (or no one). Test modules import
the fixtures by their function names (`people_fixture`, …); tests ask for `people`, ….

The library:

    Projects/                      brief.pdf
      Design/                      room.png     [Images]
        Drafts/                    sketch.txt
      Legal/                       contract.pdf [HR]
    Private/                       salaries.csv [HR]

    tags: Important > Design > Images;  HR
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from archivist.documents import roles
from archivist.documents.models import Attachment, Folder, FolderKind, Share, Tag
from archivist.documents.services.attachments import store_file

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class People:
    manager: User  # File Manager Access
    admin: User  # Administration
    clerk: User  # internal, no documents group
    alice: User  # portal, with an email address
    bob: User  # portal, with an email address
    carol: User  # portal, without an email address


@dataclass
class Library:
    projects: Folder
    design: Folder
    drafts: Folder
    legal: Folder
    private: Folder
    important: Tag
    design_tag: Tag
    images: Tag
    hr: Tag
    brief: Attachment
    room: Attachment
    sketch: Attachment
    contract: Attachment
    salaries: Attachment


def make_user(username: str, *groups: str, email: str = "") -> User:
    user = User.objects.create_user(username, email=email)  # no password: tests force_login
    user.groups.add(*(Group.objects.get(name=name) for name in groups))
    return user


def make_folder(name: str, parent: Folder | None = None) -> Folder:
    folder = Folder(name=name, kind=FolderKind.MANUAL, parent=parent)
    folder.save()
    return folder


def make_file(folder: Folder, name: str, content: bytes = b"some text\n", *tags: Tag) -> Attachment:
    attachment = store_file(folder, name, io.BytesIO(content))
    attachment.tags.add(*tags)
    return attachment


def client(user: User | None = None) -> APIClient:
    """A client signed in (with a real session) as `user`, or anonymous."""
    api = APIClient()
    if user is not None:
        api.force_login(user)
    return api


@pytest.fixture(name="people")
def people_fixture(db: None) -> People:
    return People(
        manager=make_user("manager", roles.FILE_MANAGER, email="manager@example.com"),
        admin=make_user("admin", roles.ADMINISTRATION),
        clerk=make_user("clerk"),
        alice=make_user("alice", roles.PORTAL, email="alice@example.com"),
        bob=make_user("bob", roles.PORTAL, email="bob@example.com"),
        carol=make_user("carol", roles.PORTAL),
    )


@pytest.fixture(name="library")
def library_fixture(db: None) -> Library:
    projects = make_folder("Projects")
    design = make_folder("Design", projects)
    drafts = make_folder("Drafts", design)
    legal = make_folder("Legal", projects)
    private = make_folder("Private")
    important = Tag.objects.create(name="Important")
    design_tag = Tag.objects.create(name="Design", parent=important)
    images = Tag.objects.create(name="Images", parent=design_tag)
    hr = Tag.objects.create(name="HR")
    return Library(
        projects=projects,
        design=design,
        drafts=drafts,
        legal=legal,
        private=private,
        important=important,
        design_tag=design_tag,
        images=images,
        hr=hr,
        brief=make_file(projects, "brief.pdf", b"%PDF-1.4\n%brief\n"),
        room=make_file(design, "room.png", PNG, images),
        sketch=make_file(drafts, "sketch.txt", b"a sketch\n"),
        contract=make_file(legal, "contract.pdf", b"%PDF-1.4\n%contract\n", hr),
        salaries=make_file(private, "salaries.csv", b"name,salary\n", hr),
    )


def make_share(*, partners: tuple[User, ...] = (), **fields: Any) -> Share:
    folders = fields.pop("folders", ())
    tags = fields.pop("tags", ())
    attachments = fields.pop("attachments", ())
    fields.setdefault("name", "For customers")
    share = Share.objects.create(**fields)
    share.partners.set(partners)
    share.folders.set(folders)
    share.tags.set(tags)
    share.attachments.set(attachments)
    return share


@pytest.fixture(name="share")
def share_fixture(people: People, library: Library) -> Share:
    """ "For customers": the Design folder, the tag Design, the brief on its own; Alice is its
    partner; it has a token URL."""
    from archivist.documents.services.shares import generate_token

    created = make_share(
        partners=(people.alice,),
        folders=(library.design,),
        tags=(library.design_tag,),
        attachments=(library.brief,),
    )
    generate_token(created)
    return created
