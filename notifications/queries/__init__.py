"""All SQL of the notifications feature, a module per subject: ``devices``, ``templates``, ``messages``
(the send path), ``inbox`` (and preferences), ``deliveries`` (the delivery worker), ``campaigns``,
``support`` and ``alerts`` (emergency-alert approvals). Query functions return msgspec structs, except
where noted in the module.

The device and template SQL that code outside the feature calls directly (demo mode's phone, tests and
benchmarks) is also importable from here.
"""

from notifications.queries.devices import subscriptions, upsert_subscription
from notifications.queries.templates import add_template, latest_template

__all__ = ["add_template", "latest_template", "subscriptions", "upsert_subscription"]
