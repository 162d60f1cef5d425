"""The CSV export's list cells, one row per practice and language, kept by the write
path (list_cells.py): a practice's themes, partners, tags, contacts and sources, each
list joined by "; " in its order, ready for the export to read beside the practice.

Why stored: on SQLite an ordered subquery per row and list (eleven per practice, each
setting up a sort) was 2.7 of a 100,000-row export's 3.3 seconds of SQL, and held it
to 20,000 rows/s; PostgreSQL needed a GROUP BY per related table for every export.
Read from here, the export is one join. A row per language, because four of the lists
follow the language (theme, target group and funding names, and theme slugs in the
order of the names): 500,000 short rows at 100,000 practices. Not neutralised: the
export finishes each cell as it reads it (formulas), as it does every text.
"""

from django.db import models


class ListCells(models.Model):
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="list_cells", db_index=False
    )
    language = models.CharField(max_length=5)
    # One text per list column of practices.exports.PRACTICE_COLUMNS, named as it is (a
    # test keeps the two in step).
    partner_slugs = models.TextField(default="")
    themes = models.TextField(default="")
    theme_slugs = models.TextField(default="")
    target_groups = models.TextField(default="")
    funding_sources = models.TextField(default="")
    tags = models.TextField(default="")
    values_factors = models.TextField(default="")
    contact_names = models.TextField(default="")
    contact_roles = models.TextField(default="")
    contact_emails = models.TextField(default="")
    source = models.TextField(default="")

    class Meta:
        # By the column: "practice" would follow the practices' own ordering, a join.
        ordering = ["practice_id", "language"]
        constraints = [
            # The export reads a practice's row in the request's language by it, and
            # the write path replaces a practice's rows by it.
            models.UniqueConstraint(fields=["practice", "language"], name="list_cells_unique"),
        ]

    def __str__(self):
        return f"{self.practice_id} ({self.language})"

    def get_absolute_url(self):
        return self.practice.get_absolute_url()
