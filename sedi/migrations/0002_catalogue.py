"""Load the counter lines and their catalogues, guideline §2.1–2.6."""

from django.db import migrations

from sedi.catalogue import LINES, catalogue_load


def load(apps, schema_editor):
    catalogue_load(apps.get_model("sedi", "ServiceLine"), apps.get_model("sedi", "Service"))


def unload(apps, schema_editor):
    ServiceLine = apps.get_model("sedi", "ServiceLine")
    ServiceLine.objects.filter(code__in=[d["code"] for d in LINES]).delete()


class Migration(migrations.Migration):
    dependencies = [("sedi", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
