"""Alembic environment: runs migrations on the app's engine, with GeoAlchemy2's spatial helpers."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from geoalchemy2 import alembic_helpers

from webapp.extensions import include_in_migrations

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def _configure_args(**extra):
    args = dict(current_app.extensions["migrate"].configure_args)
    # GeoAlchemy2 renders spatial columns/indexes and hides SpatiaLite's own bookkeeping tables.
    args.update(include_object=include_in_migrations, render_item=alembic_helpers.render_item)
    args.update(extra)
    return args


def run_migrations_offline():
    url = target_db.engine.url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=target_db.metadata, literal_binds=True, **_configure_args())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def skip_empty_revisions(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")
        else:
            alembic_helpers.writer.process_revision_directives(context_, revision, directives)

    with target_db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata,
                          **_configure_args(process_revision_directives=skip_empty_revisions))
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
