"""Cases feature."""
