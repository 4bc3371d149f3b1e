"""Documents uploaded to a case: evidence files stored safely and served only to the team."""
