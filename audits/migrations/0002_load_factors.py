from django.db import migrations


def load_factors(apps, schema_editor):
    from audits.factor_catalogue import FACTORS

    Factor = apps.get_model("audits", "Factor")
    for row in FACTORS:
        Factor.objects.update_or_create(key=row["key"], defaults={k: v for k, v in row.items() if k != "key"})


def unload_factors(apps, schema_editor):
    apps.get_model("audits", "Factor").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]
    operations = [migrations.RunPython(load_factors, unload_factors)]
