"""Casework: a casework tracker for solidarity networks and tenant unions."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext

from casework.config import load_config
from casework.data_version import install_data_version
from casework.database import install_sqlite_settings
from casework.error_pages import register_error_pages
from casework.extensions import csrf, db, login_manager, migrate
from casework.i18n import init_i18n
from casework.ids import IdConverter
from casework.logging_hygiene import install_log_hygiene
from casework.private_files import make_private_dir
from casework.reports.action_tallies import install_action_tallies
from casework.security import init_security
from casework.static_assets import install_static_versions

PROJECT_ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app: configuration, extensions, blueprints, error pages, CLI."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    configure(app, test_config)
    init_extensions(app)
    install_url_converters(app)
    register_blueprints(app)
    register_error_pages(app)
    register_template_helpers(app)
    register_cli(app)
    warn_if_fonts_subset_slowly()
    init_security(app)
    install_static_versions(app)
    install_log_hygiene(app)
    return app


def warn_if_fonts_subset_slowly() -> None:
    """Without libharfbuzz-subset0 WeasyPrint subsets fonts in pure Python, ~3x slower."""
    from casework.letters import rendering

    if not rendering.harfbuzz_subset_available():
        log.warning("libharfbuzz-subset0 is not installed: letters will render about 3x "
                    "slower (apt-get install libharfbuzz-subset0)")


def configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    make_private_dir(Path(app.instance_path))  # the SQLite database and dev secret live here
    if test_config is None:
        app.config.from_mapping(load_config(app.instance_path))
    else:
        app.config.from_mapping(load_config(app.instance_path, environment="test"))
        app.config.from_mapping(test_config)


def init_extensions(app: Flask) -> None:
    install_sqlite_settings()
    install_data_version()
    install_action_tallies()
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    init_i18n(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to see that page.")
    login_manager.session_protection = "strong"
    from casework.auth.services import load_user

    login_manager.user_loader(load_user)


def install_url_converters(app: Flask) -> None:
    """Ids in URLs beyond 64 bits (or in other scripts' digits) are a 404, not a 500."""
    app.url_map.converters["int"] = IdConverter


def register_blueprints(app: Flask) -> None:
    from casework.actions.call_views import bp as calls_bp
    from casework.actions.views import bp as actions_bp
    from casework.audit.views import bp as audit_bp
    from casework.auth.views import bp as auth_bp
    from casework.board.views import bp as board_bp
    from casework.calendars.views import bp as calendars_bp
    from casework.cases.views import bp as cases_bp
    from casework.dashboard.views import bp as dashboard_bp
    from casework.documents.views import bp as documents_bp
    from casework.fight.views import bp as fight_bp
    from casework.health.views import bp as health_bp
    from casework.letters.views import bp as letters_bp
    from casework.mobilize.views import bp as mobilize_bp
    from casework.network.views import bp as network_bp
    from casework.people.views import bp as people_bp
    from casework.portal.views import bp as portal_bp
    from casework.privacy.views import bp as privacy_bp
    from casework.public.views import bp as public_bp
    from casework.reports.views import bp as reports_bp
    from casework.solidarity.federation_views import bp as federation_bp
    from casework.solidarity.views import bp as solidarity_bp
    from casework.targets.views import bp as targets_bp
    from casework.tasks.views import bp as tasks_bp
    from casework.users.views import bp as users_bp
    from casework.victories.views import bp as victories_bp
    from casework.workflow.views import bp as moves_bp
    from casework.year_review.views import bp as year_review_bp

    for blueprint in (auth_bp, dashboard_bp, cases_bp, board_bp, tasks_bp, users_bp, fight_bp,
                      moves_bp, letters_bp, portal_bp, audit_bp, privacy_bp, documents_bp,
                      calendars_bp, targets_bp, actions_bp, calls_bp, people_bp, health_bp,
                      network_bp, public_bp, mobilize_bp, victories_bp, year_review_bp,
                      reports_bp, solidarity_bp, federation_bp):
        app.register_blueprint(blueprint)


def register_template_helpers(app: Flask) -> None:
    from casework import formatting
    from casework.menu import install_menu
    from casework.system_text import event_note, stored_text, task_title

    formatting.register(app)
    install_menu(app)
    app.add_template_global(event_note)
    app.add_template_global(task_title)
    app.add_template_global(stored_text)


def register_cli(app: Flask) -> None:
    from casework.cli import casework_cli

    app.cli.add_command(casework_cli)
