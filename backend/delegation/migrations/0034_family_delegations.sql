-- Parents of children under 15 and guardians act for them (docs/delegation.md, "Parents and
-- guardians"). Such a grant is not invited and accepted: an agency's registry confirms the
-- relationship and the grant is active at once.

-- What a connector answers. 'entitlements' connectors are asked about every citizen for their page;
-- a registry ('parentage', 'guardianship') is asked only "is X the parent/guardian of Y", never
-- for entitlements. The kind is set by the platform's operator, not in an agency's registration form:
-- the platform alone decides which system it trusts with family relationships. At most one live
-- registry of each kind.
ALTER TABLE connectors
    ADD COLUMN answers text NOT NULL DEFAULT 'entitlements'
        CHECK (answers IN ('entitlements', 'parentage', 'guardianship'));
CREATE UNIQUE INDEX connectors_one_live_registry ON connectors (answers)
    WHERE answers <> 'entitlements' AND status = 'active';

ALTER TABLE delegations
    ADD COLUMN kind text NOT NULL DEFAULT 'chosen' CHECK (kind IN ('chosen', 'parent', 'guardian')),
    -- The child's birth date as the adult gave it and the registry confirmed it (asked again with it).
    ADD COLUMN child_birthdate date,
    -- The registry that confirmed it, and when it last did (guardianships are asked again).
    ADD COLUMN registry_connector_id bigint REFERENCES connectors (id),
    ADD COLUMN confirmed_at timestamptz;
-- The one-year rule is a chosen grant's; a parent's grant ends the day before the child's 15th
-- birthday (the birthday as PostgreSQL adds years: 29 February + 15 years is 28 February), a
-- guardian's at most a year after the registry last confirmed it (each confirmation moves it on).
ALTER TABLE delegations DROP CONSTRAINT delegations_check1;
ALTER TABLE delegations ADD CONSTRAINT delegations_chosen_within_a_year CHECK (
    kind <> 'chosen'
    OR ends_on <= ((coalesce(renewed_at, created_at) AT TIME ZONE 'Asia/Bangkok')::date + interval '1 year')::date
);
ALTER TABLE delegations ADD CONSTRAINT delegations_family_confirmed CHECK (
    (kind = 'chosen') = (registry_connector_id IS NULL AND confirmed_at IS NULL)
    AND (kind = 'chosen' OR (status IN ('active', 'ended') AND accepted_at IS NOT NULL))
);
ALTER TABLE delegations ADD CONSTRAINT delegations_parent_until_15 CHECK (
    (kind = 'chosen') = (child_birthdate IS NULL)
    AND (kind <> 'parent' OR ends_on = (child_birthdate + interval '15 years')::date - 1)
);
ALTER TABLE delegations ADD CONSTRAINT delegations_guardian_reconfirmed CHECK (
    kind <> 'guardian'
    OR ends_on <= ((confirmed_at AT TIME ZONE 'Asia/Bangkok')::date + interval '1 year')::date
);
CREATE INDEX delegations_guardianships ON delegations (confirmed_at) WHERE kind = 'guardian' AND status = 'active';

-- 'confirmed': the registry confirmed it and it began (actor: the parent or guardian; reason: the
-- registry's answer). 'registry_ended': the periodic check found the registry no longer confirms it
-- (no person acted: actor_id is empty for this one only). A check that confirms again only moves
-- confirmed_at and ends_on on.
ALTER TABLE delegation_events DROP CONSTRAINT delegation_events_kind_check;
ALTER TABLE delegation_events ADD CONSTRAINT delegation_events_kind_check CHECK (
    kind IN ('invited', 'accepted', 'declined', 'ended', 'renewed', 'confirmed', 'registry_ended')
);
ALTER TABLE delegation_events ALTER COLUMN actor_id DROP NOT NULL;
ALTER TABLE delegation_events ADD CONSTRAINT delegation_events_person_acted CHECK (
    (actor_id IS NULL) = (kind = 'registry_ended')
);
