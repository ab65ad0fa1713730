"""Pure governance rules: lifecycle, Board decisions, permissions. No I/O here."""
