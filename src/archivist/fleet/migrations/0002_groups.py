from django.db import migrations

GROUPS = ["Databases User", "Databases Administrator"]


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("fleet", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
