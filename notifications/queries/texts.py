"""A message's text as every reader shows it: its own, or its campaign's (stored once on the campaign,
migration 0049), with the body and link gone once retention purged them; and its urgency and time to
live, also its campaign's (migration 0053).

Where a message's own body and link are: written before migration 0065, in its own row until retention
clears them and sets ``body_purged_at``; since 0065, in ``notification_bodies`` (by month of message id,
dropped whole), the row having ``body_purged_at`` set as it is written. So a row with ``body_purged_at``
set holds no body of its own, and its body, if any is left, is in ``notification_bodies``."""

# The SQL that names the message ``n`` joins its campaign as ``camp``, and with TEXTS or BODIES its own
# body as ``b``, looked up only for a row that holds none (OFFSET 0 keeps the subquery whole, so that the
# filter on ``n`` gates its index scans rather than filtering what they found).
JOIN_CAMPAIGN = "LEFT JOIN notification_campaigns camp ON camp.id = n.campaign_id"
JOIN_BODY = """
    LEFT JOIN LATERAL (
        SELECT nb.body_th, nb.body_en, nb.url FROM notification_bodies nb
        WHERE n.body_purged_at IS NOT NULL AND nb.notification_id = n.id
        OFFSET 0
    ) b ON true
"""
TITLES = "coalesce(n.title_th, camp.title_th) AS title_th, coalesce(n.title_en, camp.title_en) AS title_en"
BODIES = """
    CASE WHEN n.body_purged_at IS NULL THEN coalesce(n.body_th, camp.body_th) ELSE b.body_th END AS body_th,
    CASE WHEN n.body_purged_at IS NULL THEN coalesce(n.body_en, camp.body_en) ELSE b.body_en END AS body_en
"""
URL = "CASE WHEN n.body_purged_at IS NULL THEN coalesce(n.url, camp.url) ELSE b.url END AS url"
TEXTS = f"{TITLES}, {BODIES}, {URL}"
# How it is pushed: a campaign's row leaves these to its campaign (migration 0053).
URGENCY = "coalesce(n.urgency, camp.urgency) AS urgency"
TTL = "coalesce(n.ttl_seconds, camp.ttl_seconds) AS ttl_seconds"
