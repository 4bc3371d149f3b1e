"""Outcomes: what the network won, how and how fast, from SQL aggregates (DESIGN.md §9)."""
