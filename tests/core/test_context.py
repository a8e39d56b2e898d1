from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from prysmai import prysm_context


@pytest.fixture(autouse=True)
def _clean_context():
    prysm_context.clear()
    yield
    prysm_context.clear()


def test_set_get_clear_round_trip():
    prysm_context.set(user_id="u-1", session_id="s-1", metadata={"plan": "pro"})

    values = prysm_context.get()

    assert (values.user_id, values.session_id, dict(values.metadata)) == (
        "u-1",
        "s-1",
        {"plan": "pro"},
    )
    prysm_context.clear()
    assert prysm_context.get().user_id is None


def test_nested_scopes_merge_metadata_and_restore():
    prysm_context.set(user_id="default-user", metadata={"app": "search"})

    with prysm_context(session_id="s-outer", metadata={"feature": "a"}):
        with prysm_context(user_id="inner-user", metadata={"feature": "b", "step": 2}):
            inner = prysm_context.get()
        outer = prysm_context.get()
    after = prysm_context.get()

    assert inner.user_id == "inner-user"
    assert inner.session_id == "s-outer"
    assert dict(inner.metadata) == {"app": "search", "feature": "b", "step": 2}
    assert dict(outer.metadata) == {"app": "search", "feature": "a"}
    assert (after.user_id, after.session_id) == ("default-user", None)


def test_global_default_is_seen_by_other_threads():
    prysm_context.set(user_id="everyone")

    with ThreadPoolExecutor(2) as pool:
        seen = pool.submit(lambda: prysm_context.get().user_id).result()

    assert seen == "everyone"


def test_scopes_are_private_to_each_thread():
    def in_scope(name: str) -> str | None:
        with prysm_context(user_id=name):
            return prysm_context.get().user_id

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(in_scope, [f"user-{i}" for i in range(16)]))

    assert results == [f"user-{i}" for i in range(16)]


async def test_scopes_are_private_to_each_task():
    async def in_scope(name: str) -> str | None:
        with prysm_context(session_id=name):
            await asyncio.sleep(0.01)
            return prysm_context.get().session_id

    results = await asyncio.gather(*(in_scope(f"s-{i}") for i in range(10)))

    assert results == [f"s-{i}" for i in range(10)]


def test_metadata_must_be_a_mapping():
    with pytest.raises(TypeError, match="metadata must be a mapping"):
        prysm_context.set(metadata=["not", "a", "mapping"])  # type: ignore[arg-type]
