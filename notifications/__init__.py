"""Notify: web push, inbox, templates, preferences and the delivery worker (see the Notify issue)."""
