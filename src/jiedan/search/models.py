"""One full-text document per searchable object (a project, a service, a profile).

``tokens`` holds the text already segmented (jieba words plus Chinese bigrams, English
stems), separated by spaces, so the database's own tokenizer only splits on spaces. The
database keeps its index in step by itself, with triggers made in migration 0002: an FTS5
table on SQLite, the ``vector`` column with a GIN index on PostgreSQL.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    kind = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    tokens = models.TextField()
    vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once")
        ]

    def __str__(self):
        return f"{self.kind}:{self.object_id}"
