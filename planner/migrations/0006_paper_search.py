"""PostgreSQL full-text index for paper search (planner.selectors.search).

The indexed expression must stay exactly what ``paper_document()`` compiles to, or
PostgreSQL stops using the index. Not a Meta index: SQLite has no tsvector, and an index
declared per vendor would make ``makemigrations --check`` unstable. SQLite skips this.
"""

from django.db import migrations

INDEX_NAME = "paper_search_idx"

CREATE = f"""
CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON planner_paper USING gin ((
    (setweight(to_tsvector('simple'::regconfig, COALESCE("title", '')), 'A')
     || setweight(to_tsvector('simple'::regconfig, COALESCE(("keywords")::text, '')), 'B'))
     || setweight(to_tsvector('simple'::regconfig, COALESCE("abstract", '')), 'C')
))
"""

DROP = f"DROP INDEX IF EXISTS {INDEX_NAME}"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0005_changed_in_and_api_tokens"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
