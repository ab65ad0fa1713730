"""The `cyd` command."""
