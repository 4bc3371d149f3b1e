"""Public pages for people who are not logged in (the network's "get in touch" form)."""
