"""Factories: rows written straight to the database for each feature (as GOV.UK Notify's test db helpers
do), so that a test sets up its state in a few calls and only goes through HTTP for what it tests.

Each factory writes through the feature's own queries where they exist and returns the feature's typed
row; ``make_citizen`` and ``make_agency`` return only the id, which is all their many callers want.
One module per feature: ``identity``, ``agencies``, ``catalogue``, ``connectors``, ``payments``,
``notifications``, ``applications``.
"""

from tests.factories.agencies import make_agency, make_member
from tests.factories.applications import make_application, make_document, make_file, make_service
from tests.factories.catalogue import make_tile
from tests.factories.connectors import make_access_record, make_connector, make_consent
from tests.factories.identity import citizen_row, make_citizen, make_role, make_session, valid_national_id
from tests.factories.notifications import (
    make_campaign,
    make_delivery,
    make_device,
    make_notification,
    make_template,
)
from tests.factories.payments import make_bill, make_payment

__all__ = [
    "citizen_row",
    "make_access_record",
    "make_agency",
    "make_application",
    "make_bill",
    "make_campaign",
    "make_citizen",
    "make_connector",
    "make_consent",
    "make_delivery",
    "make_device",
    "make_document",
    "make_file",
    "make_member",
    "make_notification",
    "make_payment",
    "make_role",
    "make_service",
    "make_session",
    "make_template",
    "make_tile",
    "valid_national_id",
]
