-- Search that understands everyday words: agencies give each tile version keywords and synonyms
-- ("บัตรทอง", "เบี้ยคนแก่"), reviewed with the rest of the version, and search matches them, the
-- titles and the descriptions by trigram similarity (pg_trgm), which tolerates typos and Thai
-- written without spaces. pg_trgm is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- What search compares, for the stored text and the citizen's query alike: NFC, lower case, and Thai
-- without its vowel and tone marks. pg_trgm takes those combining marks for word breaks (they are not
-- letters), which would cut every Thai word into pieces; without them a misplaced tone mark, the
-- commonest Thai typo, no longer matters either.
CREATE FUNCTION catalogue_search_text(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(regexp_replace(normalize(value, NFC), '[\u0E31\u0E34-\u0E3A\u0E47-\u0E4E]', '', 'g'));

-- array_to_string is only STABLE (it could format any element type); for text[] it is immutable,
-- which a generated column needs.
CREATE FUNCTION catalogue_words(words text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN array_to_string(words, ' ');

ALTER TABLE tile_versions
    ADD COLUMN keywords text[] NOT NULL DEFAULT '{}'
        CHECK (cardinality(keywords) <= 30 AND length(catalogue_words(keywords)) <= 1500),
    ADD COLUMN search_text text NOT NULL GENERATED ALWAYS AS (
        catalogue_search_text(
            title_th || ' ' || title_en || ' ' || description_th || ' ' || description_en || ' '
            || catalogue_words(keywords)
        )
    ) STORED;

CREATE INDEX tile_versions_search ON tile_versions USING gin (search_text gin_trgm_ops);
