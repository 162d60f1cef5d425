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

from urllib.parse import urlencode

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse


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


class SearchLexeme(models.Model):
    """PostgreSQL: the practices whose vector in `language` holds `lexeme` with these
    `weights` (one letter per position, as in the vector), as a serialised roaring
    bitmap. A one-word search reads its few rows here instead of its matches' vectors
    (search_lexemes.py). Kept from the vectors by search_lexemes.py, in the same
    transaction as they are written; empty on SQLite."""

    language = models.CharField(max_length=2)
    lexeme = models.TextField()
    weights = models.TextField()
    members = models.BinaryField(default=b"")

    class Meta:
        ordering = ["language", "lexeme", "weights"]
        constraints = [
            # A search reads the rows of its prefixes (LIKE 'languag%'): the pattern
            # operator classes make the index serve a prefix in any collation. A write
            # finds and locks the rows its practices left or joined by it.
            models.UniqueConstraint(
                fields=["language", "lexeme", "weights"],
                name="search_lexeme_unique",
                opclasses=["varchar_pattern_ops", "text_pattern_ops", "text_pattern_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.language}: {self.lexeme} ({self.weights})"

    def get_absolute_url(self):
        return reverse("practices:list") + "?" + urlencode({"q": self.lexeme})
