"""Is this installation ready to serve? ``/healthz`` for monitors, ``flask casework doctor``
for whoever deploys it."""
