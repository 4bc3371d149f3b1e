"""The network's front door and voice: its settings (coordinators) and its posters and flyers.

- ``forms`` / ``services``: the settings page, every change audited by the change recorder.
- ``posters``: the recruitment poster and flyer, rendered like letters (bundled fonts, safe
  fetcher) with a QR code to the public "get in touch" form.
- ``views``: ``/network/settings`` and ``/network/posters``.
"""
