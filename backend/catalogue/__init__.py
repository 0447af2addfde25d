"""Register: agencies, service tiles with a review workflow, and the citizens' catalogue."""
