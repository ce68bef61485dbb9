"""The schema comes from the migrations, and the models agree with them."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from campaigns.extensions import db as _db


# SQLite's reflection cannot read an index on an expression (the donations' gift time), so
# there alembic leaves those out of the comparison; PostgreSQL's run compares them too.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_models_and_migrations_agree(app, db):
    """An autogenerate diff between the migrated database and the models is empty."""
    with _db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, _db.metadata)
    assert diff == []


def test_rolled_back_between_tests_part_one(make, db):
    make.organization(slug="only-in-this-test")
    from campaigns.models import Organization

    assert db.session.query(Organization).filter_by(slug="only-in-this-test").count() == 1


def test_rolled_back_between_tests_part_two(db):
    from campaigns.models import Organization

    assert db.session.query(Organization).filter_by(slug="only-in-this-test").count() == 0
