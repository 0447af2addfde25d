"""What support staff's look-ups across features share."""
