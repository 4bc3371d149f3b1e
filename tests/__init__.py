"""Casework test suite."""
