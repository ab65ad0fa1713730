"""Accessible, bilingual pages for leads, reviewers and the Board (later issue)."""
