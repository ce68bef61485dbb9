"""The donation campaign platform: ``create_app`` builds the Flask application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

_PACKAGE = Path(__file__).resolve().parent
#: Where the templates, static files and migrations are: beside the package in a checkout,
#: inside it once installed from a wheel (the build copies them in, see setup.py).
ROOT = _PACKAGE if (_PACKAGE / "templates").is_dir() else _PACKAGE.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app from the environment, with ``config`` overriding any setting."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_relative_config=True,
    )
    configure(app, config)
    configure_extensions(app)
    configure_unit_of_work(app)
    configure_i18n(app)
    configure_urls(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    configure_compression(app)
    configure_jobs(app)
    return app


def configure(app: Flask, overrides: dict | None) -> None:
    from campaigns.config import from_environment, settle_public_url

    app.config.from_mapping(from_environment(app.instance_path))
    if overrides:
        app.config.from_mapping(overrides)
    settle_public_url(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def configure_extensions(app: Flask) -> None:
    from campaigns import models  # noqa: F401 - registers the tables with the metadata
    from campaigns.caching import init_app as init_page_cache
    from campaigns.database import configure_engine_events
    from campaigns.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    init_page_cache(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        # Wrapping wsgi_app in middleware is how Flask is meant to be extended.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )
    with app.app_context():
        configure_engine_events(db.engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])


def configure_unit_of_work(app: Flask) -> None:
    """The request commits once at its end; registered first so that it runs last."""
    from campaigns import unit_of_work

    unit_of_work.init_app(app)


def configure_i18n(app: Flask) -> None:
    from campaigns.extensions import babel
    from campaigns.i18n import (
        LocalePrefixMiddleware,
        jinja_helpers,
        remember_locale,
        select_locale,
        share_files_between_languages,
    )
    from campaigns.markdown import localized_markdown, render_markdown

    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    app.wsgi_app = LocalePrefixMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    app.after_request(remember_locale)
    app.jinja_env.globals.update(jinja_helpers())
    share_files_between_languages(app)
    app.jinja_env.globals.update(markdown=render_markdown, loc_markdown=localized_markdown)
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    @app.context_processor
    def site_context():
        from campaigns.config import is_test_mode

        return {"test_mode": is_test_mode(app.config)}


def configure_urls(app: Flask) -> None:
    """Ids in routes are bounded by the id columns' range (before any route is added)."""
    from campaigns import paging

    paging.init_app(app)


def register_blueprints(app: Flask) -> None:
    from campaigns.admin import bp as admin_bp
    from campaigns.api import bp as api_bp
    from campaigns.embed import bp as embed_bp
    from campaigns.media import bp as media_bp
    from campaigns.media import template_helpers
    from campaigns.monthly import bp as monthly_bp
    from campaigns.news.views import bp as news_bp
    from campaigns.payments import bp as payments_bp
    from campaigns.public import bp as public_bp
    from campaigns.receipts.views import bp as receipts_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(media_bp)
    app.register_blueprint(embed_bp)
    app.register_blueprint(news_bp)
    app.register_blueprint(monthly_bp)
    app.register_blueprint(receipts_bp)
    app.jinja_env.globals.update(template_helpers())


def register_error_handlers(app: Flask) -> None:
    from campaigns.errors import register

    register(app)


def configure_compression(app: Flask) -> None:
    from campaigns import compression, headers

    headers.init_app(app)
    compression.init_app(app)


def configure_jobs(app: Flask) -> None:
    from campaigns import jobs

    jobs.init_app(app)


def register_commands(app: Flask) -> None:
    from campaigns.cli import register

    register(app)
