"""A message's text as every reader shows it: its own, or its campaign's (stored once on the campaign,
migration 0049), with the body and link gone once retention purged the message's (``body_purged_at``);
and its urgency and time to live, also its campaign's (migration 0053)."""

# The SQL that names the message ``n`` joins its campaign as ``camp``.
JOIN_CAMPAIGN = "LEFT JOIN notification_campaigns camp ON camp.id = n.campaign_id"
TITLES = "coalesce(n.title_th, camp.title_th) AS title_th, coalesce(n.title_en, camp.title_en) AS title_en"
BODIES = """
    CASE WHEN n.body_purged_at IS NULL THEN coalesce(n.body_th, camp.body_th) END AS body_th,
    CASE WHEN n.body_purged_at IS NULL THEN coalesce(n.body_en, camp.body_en) END AS body_en
"""
TEXTS = f"{TITLES}, {BODIES}, CASE WHEN n.body_purged_at IS NULL THEN coalesce(n.url, camp.url) END AS url"
# How it is pushed: a campaign's row leaves these to its campaign (migration 0053).
URGENCY = "coalesce(n.urgency, camp.urgency) AS urgency"
TTL = "coalesce(n.ttl_seconds, camp.ttl_seconds) AS ttl_seconds"
