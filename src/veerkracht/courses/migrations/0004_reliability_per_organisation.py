"""The reliability becomes a setting per organisation (the table had no rows yet: recreated)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("courses", "0003_measurements"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="InstrumentReliability"),
        migrations.CreateModel(
            name='InstrumentReliability',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                ('instrument_id', models.CharField(max_length=60, verbose_name='instrument')),
                ('reliability', models.DecimalField(decimal_places=3, max_digits=4, verbose_name='reliability (r)')),
                ('source', models.CharField(max_length=300, verbose_name='source of the reliability')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation')),
                ('template', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reliabilities', to='courses.coursetemplate')),
            ],
            options={
                'verbose_name': 'reliability of an instrument',
                'verbose_name_plural': 'reliabilities of instruments',
                'ordering': ['template', 'instrument_id'],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'template', 'instrument_id'), name='reliability_unique_per_organisation'), models.CheckConstraint(condition=models.Q(('reliability__gte', 0), ('reliability__lt', 1)), name='reliability_range')],
            },
        ),
    ]
