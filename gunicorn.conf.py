"""gunicorn's configuration for Casework: ``gunicorn -c gunicorn.conf.py`` from this folder.

The deployment guide in README.md runs exactly this file (and tests/test_serving.py starts it).
Overrides from the environment: CASEWORK_BIND (default 127.0.0.1:8000, behind a reverse proxy),
CASEWORK_WORKERS (default 2 x CPU cores + 1), CASEWORK_ACCESS_LOG and CASEWORK_ERROR_LOG (a file,
default "-": standard output/error, which systemd's journal keeps).
"""

import multiprocessing
import os

wsgi_app = "casework.wsgi:app"
bind = os.environ.get("CASEWORK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CASEWORK_WORKERS", 2 * multiprocessing.cpu_count() + 1))

# A page answers in well under a second; a letter PDF may take a few. A worker stuck longer is
# restarted. Workers are also replaced now and then, so a slow leak cannot grow for ever.
timeout = 60
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests, a bound on any slow leak. A new worker starts
# with no kept pages (casework/kept_pages.py) and makes its first ones anew, the reports at
# 100,000 cases taking a few hundred ms: at 10,000 a busy server replaced one every few seconds.
max_requests = 50000
max_requests_jitter = 5000

# The proxy on this machine terminates TLS and says so in X-Forwarded-Proto (trusted from
# loopback only, gunicorn's default forwarded_allow_ips), which makes the app see https.
control_socket_disable = True  # no admin socket in the service user's home

# The app is loaded once, before the workers fork: they boot faster and share its memory, and
# a configuration error stops the server at once with its message instead of in every worker.
preload_app = True


def post_fork(server, worker):
    """Each worker opens database connections of its own."""
    from casework.wsgi import forget_inherited_connections

    forget_inherited_connections()

# The access log: when, what page, status, size, time. No client address, no query string
# (searches and next= targets), no Referer or User-Agent, no user name: nothing about a member.
# The logger class also masks the secret in capability URLs (calendar feeds).
logger_class = "casework.logging_hygiene.AccessLogger"
accesslog = os.environ.get("CASEWORK_ACCESS_LOG", "-")
errorlog = os.environ.get("CASEWORK_ERROR_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
