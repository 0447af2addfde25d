-- Counter help's hour running out (docs/delegation.md, "Assisted mode at a counter"): a task at the
-- hour's end writes the grant's 'ended' event, which nobody did, so that the citizen's notice of it is
-- keyed by an event like every other. An 'ended' event with no actor is the clock's.
ALTER TABLE delegation_events DROP CONSTRAINT delegation_events_person_acted;
ALTER TABLE delegation_events ADD CONSTRAINT delegation_events_person_acted CHECK (
    CASE WHEN kind = 'registry_ended' THEN actor_id IS NULL ELSE actor_id IS NOT NULL OR kind = 'ended' END
);
