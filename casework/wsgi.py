"""The WSGI entry point for production servers: ``casework.wsgi:app`` (see gunicorn.conf.py).

The configuration comes from the ``CASEWORK_*`` environment (casework/config.py).
"""

from casework import create_app
from casework.extensions import db

app = create_app()


def forget_inherited_connections() -> None:
    """In a worker forked from a master that loaded the app: open connections of its own.

    The pool's connections (if the master opened any) stay the master's; closing them here
    would close them for everyone, so they are only dropped from this process's pool.
    """
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
