"""Acting for someone else: family and carer delegation, scoped, time-bound and visible to both
(docs/delegation.md)."""
