"""Prefect flows: thin orchestration of the rules, records and notifications (later issue)."""
