"""What a practice record is: an initiative, a strategy or plan, a publication or tool, or a
network statement. Existing rows become initiatives; reloading the fixtures
(load_knowledge_base) gives the publications, tools and statements their kind."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0008_safe_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="kind",
            field=models.CharField(
                choices=[
                    ("initiative", "Initiative"),
                    ("strategy", "Strategy or plan"),
                    ("publication", "Publication or tool"),
                    ("statement", "Network statement"),
                ],
                default="initiative",
                help_text="What the record is: publications, tools and network statements "
                "are kept apart from what cities did.",
                max_length=12,
            ),
        ),
        migrations.AddIndex(
            model_name="practice",
            index=models.Index(fields=["kind"], name="practice_kind_idx"),
        ),
    ]
