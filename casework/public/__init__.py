"""The network's public pages: the "get in touch" form, open to anyone without a login."""
