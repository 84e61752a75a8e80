"""What the web tests of `test_polish.py` click on, added after the common seed (`seed.py`).

- Polish/Level two/Box 01 … Box 40: siblings that push the branch below the tree's fold;
- Polish/Level two/Level three/Deep target: deep.png, tagged Polished (a tag of its own, so
  the common seed's tag searches find what they did);
- Polish slides: slide-1.png … slide-4.png and notes.txt;
- the share "Polish slideshow": the folder Polish slides by the token SLIDES (no password),
  slideshow on, a download limit of 1.
"""

from __future__ import annotations

import io

SLIDES = "web-polish-slides-token"
DEEP = "Deep target"
TAG = "Polished"


def seed() -> None:
    from django.contrib.auth.models import User

    from archivist.documents.models import Share
    from archivist.documents.services import attachments, folders, share_admin, tags
    from tests.web.seed import png

    admin = User.objects.get(username="admin")
    top = folders.create_folder(admin, "Polish", None)
    level_two = folders.create_folder(admin, "Level two", top)
    for number in range(1, 41):
        folders.create_folder(admin, f"Box {number:02}", level_two)
    level_three = folders.create_folder(admin, "Level three", level_two)
    deep = folders.create_folder(admin, DEEP, level_three)
    tagged = attachments.upload(admin, deep, "deep.png", io.BytesIO(png(30, 30, (200, 120, 40))))
    attachments.update_tags(admin, [tagged], add=[tags.create_tag(admin, TAG, color=3)])

    slides = folders.create_folder(admin, "Polish slides", None)
    colours = [(220, 40, 40), (40, 180, 60), (40, 80, 220), (230, 200, 30)]
    for number, colour in enumerate(colours, start=1):
        image = png(100, 70, colour)
        attachments.upload(admin, slides, f"slide-{number}.png", io.BytesIO(image))
    attachments.upload(admin, slides, "notes.txt", io.BytesIO(b"not an image\n"))
    made = share_admin.save_share(
        admin,
        None,
        {"name": "Polish slideshow", "slideshow": True, "download_limit": 1},
        share_admin.Contents(folders=[slides]),
        access_by_token=True,
    )
    Share.objects.filter(pk=made.pk).update(token=SLIDES)
