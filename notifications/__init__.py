"""Templates in English, Welsh and Easy Read, rendering, and delivery through the outbox."""
