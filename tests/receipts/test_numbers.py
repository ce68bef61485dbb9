"""Receipt numbers: per organization, per year, in order, and without gaps under concurrency."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from campaigns.extensions import db
from campaigns.models import Organization, ReceiptCounter
from campaigns.receipts import allocate_number
from tests.live import own_postgres_app


def test_numbers_count_per_organization_and_restart_each_year(db, make):
    first, second = make.organization(), make.organization()
    assert [allocate_number(first.id, 2026) for _ in range(3)] == [1, 2, 3]
    assert allocate_number(second.id, 2026) == 1
    assert allocate_number(first.id, 2027) == 1
    assert allocate_number(first.id, 2026) == 4


def test_a_rolled_back_number_is_given_again(db, make):
    organization = make.organization()
    assert allocate_number(organization.id, 2026) == 1
    db.session.commit()
    db.session.begin_nested()
    assert allocate_number(organization.id, 2026) == 2
    db.session.rollback()
    assert allocate_number(organization.id, 2026) == 2


WORKERS = 12
ALLOCATIONS = 60


@pytest.fixture(scope="module")
def committed_app(database_url):
    """An app on a PostgreSQL database of its own, whose transactions commit for real."""
    yield from own_postgres_app(
        database_url,
        "concurrent allocations",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": WORKERS, "max_overflow": 0},
    )


@pytest.mark.postgres_only
def test_concurrent_allocations_give_each_number_once_and_leave_no_gap(committed_app):
    with committed_app.app_context():
        organization = Organization(slug="numbers", name_en="Numbers")
        db.session.add(organization)
        db.session.commit()
        organization_id = organization.id
        db.session.remove()
    start = threading.Barrier(WORKERS)
    kept: list[int] = []
    lock = threading.Lock()

    def allocate(n: int) -> None:
        if n < WORKERS:
            start.wait()  # the first ones race to open the year's counter
        with committed_app.app_context():
            number = allocate_number(organization_id, 2026)
            time.sleep(random.random() / 100)
            if n % 5 == 4:
                db.session.rollback()  # a transaction that fails gives its number back
            else:
                db.session.commit()
                with lock:
                    kept.append(number)
            db.session.remove()

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(allocate, range(ALLOCATIONS)))

    committed = ALLOCATIONS - ALLOCATIONS // 5
    assert sorted(kept) == list(range(1, committed + 1))
    with committed_app.app_context():
        counter = db.session.get(ReceiptCounter, (organization_id, 2026))
        assert counter.last_number == committed
        db.session.remove()
