"""Accessible, bilingual pages (FastAPI + Jinja2) calling the services."""
