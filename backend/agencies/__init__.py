"""Agencies as the platform's counterparts: where each agency is told of events (its webhook). Agency
registration, staff roles and machine clients live in ``backend.identity`` for now."""
