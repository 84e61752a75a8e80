from django.db import migrations


def create(apps, schema_editor):
    apps.get_model("documents", "AccessVersion").objects.get_or_create(pk=1, defaults={"value": 0})


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_access_version")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
