"""The audit log: every change, every view of a member's contact details, every export.

- ``recorder``: who is acting, the session hook that logs inserts/updates/deletes, and
  ``record_view`` / ``record_access`` for reads.
- ``queries``: the coordinator's page of entries (keyset pagination, filters).
- ``views``: ``/audit``.
"""
