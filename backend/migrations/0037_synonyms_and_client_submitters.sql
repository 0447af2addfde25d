-- Two things the staff consoles needed (issue 19).

-- Keywords and synonyms kept apart (issue 19): keywords are the topic's words ("ค่ารถ", "bus fare"),
-- synonyms the other names people call the service ("เบี้ยคนแก่" for the elderly allowance). Agencies
-- write and reviewers read them as two lists; search matches both. A generated column's expression
-- cannot be changed before PostgreSQL 17, so search_text and its index are made again.
ALTER TABLE tile_versions
    ADD COLUMN synonyms text[] NOT NULL DEFAULT '{}'
        CHECK (cardinality(synonyms) <= 30 AND length(catalogue_words(synonyms)) <= 1500);

DROP INDEX tile_versions_search;
ALTER TABLE tile_versions DROP COLUMN search_text;
ALTER TABLE tile_versions
    ADD COLUMN search_text text NOT NULL GENERATED ALWAYS AS (
        catalogue_search_text(
            title_th || ' ' || title_en || ' ' || description_th || ' ' || description_en || ' '
            || catalogue_words(keywords) || ' ' || catalogue_words(synonyms)
        )
    ) STORED;
CREATE INDEX tile_versions_search ON tile_versions USING gin (search_text gin_trgm_ops);

-- Who sent a connector (or a change to one) for review when it was an agency's machine client, not a
-- person: the reviewer's queue names the client (tiles already keep it in tile_reviews.agency_client).
-- Neither set means the platform itself wrote it (the demo data).
ALTER TABLE connectors ADD COLUMN created_by_client text;
ALTER TABLE connector_changes ADD COLUMN submitted_by_client text;
