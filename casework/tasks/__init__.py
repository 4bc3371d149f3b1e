"""Tasks feature."""
