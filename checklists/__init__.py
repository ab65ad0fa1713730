"""The checklist language: definitions, loader, JSON Schema and the pure evaluator.

Nothing in this package does I/O beyond reading definition files in the loader,
and nothing imports prefect, sqlmodel, apprise or fastapi.
"""
