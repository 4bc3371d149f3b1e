"""The records a fight accumulates: screening, decisions, demands, delivery, contacts."""
