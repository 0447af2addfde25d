"""Programme registration behind a fair virtual waiting room (docs/waiting-room.md)."""
