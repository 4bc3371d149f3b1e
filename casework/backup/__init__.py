"""Online backups of the database and the documents, and restoring them with checks."""
