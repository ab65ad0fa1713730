"""Benchmarks: run `uv run python -m benchmarks` (see README, "Benchmarks")."""

import os

from cryptography.fernet import Fernet

# The benchmarks store channels in throwaway databases: a throwaway key for them too
# (passed on to every `cyd` they start), so none writes a key file into the data folder
# of whoever runs them (models.sealed makes one where no key is given).
os.environ.setdefault("CYD_SECRET_KEY", Fernet.generate_key().decode())
