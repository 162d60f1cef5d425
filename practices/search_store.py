"""PostgreSQL's search vectors, one narrow row per practice and content language.

Off the practice row because a search reads every match twice: its id (for the facet
counts) and its vector (for the rank). On the practice row, five vectors of about 400
bytes each made it 2.8 kB wide; a one-word search at 100,000 practices then read 18,000
heap pages for the ids (80 ms) and ranked in 167 ms. Here the ids with their ranks
take about 20 ms. Nothing else is copied here: a ranked page breaks rank ties by the
practices' own title index (search.ranked_page). Written only by search_documents.py,
whenever it writes the practice's search document; empty on SQLite, which indexes
`Practice.search_stems` with FTS5 instead.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class PracticeVector(models.Model):
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    language = models.CharField(max_length=2)
    vector = SearchVectorField()

    class Meta:
        # By the column: "practice" would follow the practices' own ordering, a join.
        ordering = ["practice_id", "language"]
        constraints = [
            # Upserts find a practice's row per language by it; a ranked page reads the
            # matches' rows by it when a few facets narrow the search.
            models.UniqueConstraint(fields=["practice", "language"], name="practice_vector_unique"),
        ]
        # One partial GIN index per language (practice_vector_<language>_gin), created
        # by migration 0022 on PostgreSQL only: a search looks up one language's rows.

    def __str__(self):
        return f"{self.practice_id} ({self.language})"

    def get_absolute_url(self):
        return self.practice.get_absolute_url()
