-- PostgreSQL: a trigram index on the students list's search key, so a
-- search for part of a name or of a cédula ("perez", "3000") finds its
-- rows on the index instead of reading all 10,000 (the list's p99 target
-- is 10 ms). SQLite scans its small search index instead (migration 005).
-- The operators come from the contrib extension pg_trgm (trusted since
-- PostgreSQL 13: the database's owner may create it), created once per
-- database in public by the first school that needs it; the advisory lock
-- makes two schools migrating at once take turns rather than collide.
{{only postgres: SELECT pg_advisory_xact_lock(8317001);}}
{{only postgres: CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;}}
{{only postgres: CREATE INDEX students_search_trgm ON students USING gin (search_text public.gin_trgm_ops);}}
