"""Dashboard feature."""
