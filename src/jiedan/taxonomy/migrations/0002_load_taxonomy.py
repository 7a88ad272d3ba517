"""Add ``updated_at`` to the taxonomy tables and load the shipped taxonomy.

``updated_at`` lets the in-memory lookup index notice changes (see ``taxonomy.lookup``).

The data step calls ``taxonomy.loading.apply_taxonomy`` with the *historical* models from
``apps.get_model`` — never the live ones — so there is one loader for this migration and for
``manage.py taxonomy_load``. ``apply_taxonomy`` only touches columns that exist at this point;
if a later migration renames or drops one of them, freeze a copy of ``loading.py`` into this
file first. The load is an idempotent upsert by slug: on a database that already has the rows
it changes nothing. Reversing keeps the rows (dropping the tables is 0001's business).
"""

import django.utils.timezone
from django.db import migrations, models


def load_taxonomy(apps, schema_editor):
    from jiedan.taxonomy.loading import apply_taxonomy, read_taxonomy_file

    apply_taxonomy(
        read_taxonomy_file(),
        category_model=apps.get_model("taxonomy", "Category"),
        skill_model=apps.get_model("taxonomy", "Skill"),
        alias_model=apps.get_model("taxonomy", "SkillAlias"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="last changed"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="skill",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="last changed"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="skillalias",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="last changed"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(load_taxonomy, migrations.RunPython.noop, elidable=False),
    ]
