from django.db import migrations

GROUPS = ["File Manager Access", "Administration", "Portal"]
ACTIONS = [
    ("Download", "download"),
    ("Update folder", "update_folder"),
    ("Update tags", "update_tags"),
    ("Slideshow", "slideshow"),
    ("Share", "share"),
    ("Delete", "delete"),
]


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    MassAction = apps.get_model("documents", "MassAction")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    for sequence, (name, kind) in enumerate(ACTIONS, start=1):
        MassAction.objects.get_or_create(kind=kind, defaults={"name": name, "sequence": sequence})


def remove(apps, schema_editor):
    apps.get_model("documents", "MassAction").objects.exclude(kind="custom").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("documents", "0002_documents_core"),
    ]

    operations = [migrations.RunPython(create, remove)]
