"""The composition root: the app, its lifespan, the worker, the command line and the launcher."""
