"""The use cases: one door for every caller (the CLI, the pages, the flows).

- `services.commands`: what people do (start, answer, submit, review, declare, vote,
  close, extend, withdraw, resume), each checked and recorded in one unit of work.
- `services.advance`: take a venture as far as the rules allow (plan, then apply).
- `services.reminders`: the reminder sweep.
- `services.board_pack`: the Board's agenda, each member's papers, sent once.
- `services.programme_import`: load and store the programme file.
- `services.people`: people as the rules see them.
- `services.views`: read-only accounts of ventures.
- `services.replay`: rebuild a database from its audit log and compare.
- `services.examples`: example answers for the demo, tests and benchmarks.

Services use storage (`models`), the pure rules (`governance`, `checklists`) and
`notifications`; they never import Prefect, Typer or FastAPI, and the outer layers
(`cli`, `web`, `flows`) call them.
"""
