"""Verify: digital-ID login (OpenID Connect), sessions, roles, step-up and agency machine credentials."""
