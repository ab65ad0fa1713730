"""Persistence: SQLModel tables, unit of work, migrations, audit log, outbox (later issue)."""
