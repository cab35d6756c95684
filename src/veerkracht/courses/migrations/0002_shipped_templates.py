"""Load the shipped course templates (courses/templates/*.json); a later run of
``services.load_course_templates`` updates them."""

import json
from pathlib import Path

from django.db import migrations

DIRECTORY = Path(__file__).resolve().parent.parent / "templates"
FIELDS = ("name", "min_age", "max_age", "sessions", "minutes", "max_children", "parent_sessions",
          "focus_on_violence", "instruments", "topics")


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    template_model = apps.get_model("courses", "CourseTemplate")
    for path in sorted(DIRECTORY.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        template_model.objects.update_or_create(
            code=data["code"], organisation=None, defaults={name: data[name] for name in FIELDS})


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
