"""Prefect flows: thin orchestration of the rules, records and notifications.

The flows, their Prefect names, entrypoints and deployments (prefect.yaml). These
names are stable: the scale-out set-up, `cyd serve` and the tests use them.

- `advance-venture`: flows/advance.py:advance_venture; deployment
  `advance-venture/on-change`, run by the event trigger below.
- `deliver-notifications`: flows/outbox.py:deliver_notifications; deployment
  `deliver-notifications/every-minute`.
- `sweep`: flows/sweep.py:sweep; deployment `sweep/hourly`.
- `send-reminders`: flows/reminders.py:send_reminders; deployment `send-reminders/daily`.
- `prepare-board-pack`: flows/board_pack.py:prepare_board_pack; deployment
  `prepare-board-pack/before-meetings` (daily; it acts only when papers are due).

All deployments are on the process work pool `cyd-pool`; the pull step sets the
working directory to the project (`CYD_PROJECT_DIR`). A flow finds Cyd's database
as the CLI does (`CYD_DATABASE_URL`, else `cyd.db` in `CYD_DATA_DIR`) and the
checklist definitions shipped with the project.

How a person's action reaches `advance_venture` (`flows.trigger`, chosen by
`CYD_ORCHESTRATION`; the default `auto` is `events` when a Prefect server is
configured, else `direct`):

- `events`: the command posts the Prefect event `cyd.venture.changed` about the
  resource `cyd.venture.<id>` (label `cyd.venture.id`); the deployment trigger of
  `advance-venture/on-change` runs the flow with `venture_id` from that label.
- `flows`: the command runs the flow in its own process (the demo does this; with
  no server configured, Prefect starts its ephemeral local one).
- `direct`: the command advances the venture itself through `services.advance`, with
  no Prefect at all (quick commands stay quick).

Whichever it is, the hourly `sweep` advances anything left waiting.

The flow modules import prefect: import them only where a flow runs. `trigger`,
`config` and `records` do not (the CLI uses `trigger` on every venture command), and
`serve` only when it serves. Commands that run no flow never import prefect.
"""
