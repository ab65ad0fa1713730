"""Storage: where Cyd's records live and how they are written. Nothing more.

- `models.db`: the database's location (`data_dir`, `database_url`), `make_engine`,
  and `unit_of_work` / `read_session` (one command = one transaction).
- `models.tables`: the SQLModel tables.
- `models.audit`: the hash-chained audit log (`append`, `verify`, `head`).
- `models.outbox`: the notifications outbox (`enqueue` with idempotency keys, `due`).
- `models.history`: `supersede`, for answers, reviews and votes that change.
- `models.queries`: the reads that commands and flows share.
- `models.migrate`: Alembic migrations, run programmatically (`upgrade`).

The use cases that write these records (commands, advancing, reminders, Board
papers, views) are in `services/`; storage imports none of the layers above it
(`tests/test_architecture.py`). Nothing here imports Alembic until a migration runs.
"""
