-- Campaign expansion linear in the audience, and in parallel for large campaigns.
--
-- Before, the audience queries took "after the cursor" as `$2 IS NULL OR id > $2`, which no index can
-- start from, age-range and entitlement-state ordered by the id's text (a bare `id` in ORDER BY named the
-- select list's text column), which no index holds, and agency-followers sorted every favourite of the
-- agency's tiles: each chunk of 500 read the whole audience, so a campaign cost O(N^2) (a chunk took 210-317 ms at 1 M citizens and would pass
-- the 10 s statement time-out near 58 M). Now every audience kind walks an index from the cursor, and a
-- campaign is cut into ranges of the citizen-id space (ids are random UUIDs, so ranges hold similar
-- shares) that the worker expands side by side, each range with its own cursor.

-- Age-range audiences walk the citizens' ids and keep those born in the range: with the birth date in the
-- index that walk never reads the table (a one-year range reads ~90 entries per recipient).
-- On a live database build it first with CREATE INDEX CONCURRENTLY under this name (a migration runs in a
-- transaction, which CONCURRENTLY cannot); IF NOT EXISTS then makes this a no-op.
CREATE INDEX IF NOT EXISTS citizens_id_birthdate ON citizens (id) INCLUDE (birthdate);

-- Entitlement-state audiences walk (agency_id, status, citizen_id) and check the scheme: with it in the
-- index the walk never reads the table. Same leading columns, so it serves whatever the old one did.
CREATE INDEX IF NOT EXISTS entitlement_states_audience_schemes
    ON entitlement_states (agency_id, status, citizen_id) INCLUDE (scheme_id);
DROP INDEX IF EXISTS entitlement_states_audience;

CREATE TABLE notification_campaign_ranges (
    campaign_id uuid NOT NULL REFERENCES notification_campaigns (id) ON DELETE CASCADE,
    range_no smallint NOT NULL CHECK (range_no >= 0),
    -- The range is (expanded_through, upper]: the cursor starts at the range's lower bound (exclusive)
    -- and moves to the last citizen id of each chunk.
    expanded_through uuid NOT NULL,
    upper uuid NOT NULL,
    done boolean NOT NULL DEFAULT false,
    PRIMARY KEY (campaign_id, range_no),
    CHECK (expanded_through <= upper)
);

-- Citizens following at least one of an agency's tiles, kept by the favourites' own transactions, so that
-- an agency-followers campaign walks (agency_id, citizen_id) instead of sorting every favourite.
CREATE TABLE agency_followers (
    agency_id bigint NOT NULL REFERENCES agencies (id),
    citizen_id uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    tiles integer NOT NULL CHECK (tiles > 0),
    PRIMARY KEY (agency_id, citizen_id)
);

INSERT INTO agency_followers (agency_id, citizen_id, tiles)
SELECT t.agency_id, f.citizen_id, count(*) FROM tile_favourites f JOIN tiles t ON t.id = f.tile_id
GROUP BY 1, 2;

CREATE FUNCTION agency_followers_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO agency_followers AS a (agency_id, citizen_id, tiles)
        SELECT t.agency_id, NEW.citizen_id, 1 FROM tiles t WHERE t.id = NEW.tile_id
        ON CONFLICT (agency_id, citizen_id) DO UPDATE SET tiles = a.tiles + 1;
        RETURN NULL;
    END IF;
    -- The last favourite of the agency's tiles goes: so does the follower (a row of 0 would break the
    -- CHECK, which is the point: the count and the favourites cannot disagree).
    DELETE FROM agency_followers a USING tiles t
    WHERE t.id = OLD.tile_id AND a.agency_id = t.agency_id AND a.citizen_id = OLD.citizen_id AND a.tiles = 1;
    IF NOT FOUND THEN
        UPDATE agency_followers a SET tiles = a.tiles - 1 FROM tiles t
        WHERE t.id = OLD.tile_id AND a.agency_id = t.agency_id AND a.citizen_id = OLD.citizen_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER agency_followers_on_favourite AFTER INSERT OR DELETE ON tile_favourites
    FOR EACH ROW EXECUTE FUNCTION agency_followers_apply();

-- A favourite never moves to another citizen or tile (its key), and a tile never changes agency: say so,
-- since the followers above are only right while both hold.
CREATE FUNCTION refuse_follower_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% may not change % here', TG_TABLE_NAME, TG_ARGV[0];
END
$$;
CREATE TRIGGER tile_favourites_keep_key BEFORE UPDATE OF citizen_id, tile_id ON tile_favourites
    FOR EACH ROW WHEN (OLD.citizen_id IS DISTINCT FROM NEW.citizen_id OR OLD.tile_id IS DISTINCT FROM NEW.tile_id)
    EXECUTE FUNCTION refuse_follower_key_change('citizen_id or tile_id');
CREATE TRIGGER tiles_keep_agency BEFORE UPDATE OF agency_id ON tiles
    FOR EACH ROW WHEN (OLD.agency_id IS DISTINCT FROM NEW.agency_id)
    EXECUTE FUNCTION refuse_follower_key_change('agency_id');
