"""Genuine messages: a verification code, signed by the platform, on every message it or an agency
sends, so that anyone holding a message can check it came from the government (docs/genuine-messages.md)."""
