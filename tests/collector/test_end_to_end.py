"""A monitored OpenAI client exports to a running collector; the call shows up everywhere."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import openai
import pytest

import prysmai
from prysmai.cli.main import main
from prysmai.testing.fake_openai import FakeOpenAIServer
from tests.collector.conftest import wait_for

MESSAGES = [{"role": "user", "content": "Say hello to <script>alert(1)</script>"}]


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


def test_monitored_client_to_collector_to_store_api_and_cli(collector, fake_openai, caplog, capsys):
    caplog.set_level(logging.WARNING)
    sdk = openai.OpenAI(base_url=fake_openai.base_url, api_key="test-key", max_retries=0)
    client = prysmai.monitor(sdk, prysm_key=collector.key, base_url=collector.url)

    with prysmai.prysm_context(user_id="e2e-user"):
        response = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    flushed = prysmai.flush(timeout_s=10.0)  # spans and metrics, each answered by the collector
    sdk.close()

    assert flushed is True
    [row] = wait_for(collector.rows)
    assert row.request_model == "gpt-4o-mini"
    assert row.response_model == response.model
    assert (row.input_tokens, row.output_tokens) == (
        response.usage.prompt_tokens,
        response.usage.completion_tokens,
    )
    assert row.cost_usd is not None and row.cost_usd > 0
    assert row.attributes["prysm.cost.usd"] == row.cost_usd
    assert row.user_id == "e2e-user"
    assert "alert(1)" in row.attributes["gen_ai.input.messages"]  # content captured as sent

    calls = json.loads(collector.get("/api/calls").body)["calls"]
    assert [(c["model"], c["input_tokens"], c["output_tokens"], c["cost_usd"]) for c in calls] == [
        (response.model, row.input_tokens, row.output_tokens, row.cost_usd)
    ]
    page = collector.get("/calls/" + row.span_id).body.decode()
    assert "alert(1)" in page and "<script>alert(1)" not in page

    # The CLI reads the collector's store like the embedded one.
    assert main(["stats", "--window", "all", "--json", "--db", str(collector.db)]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["count"], stats["input_tokens"]) == (1, row.input_tokens)
    assert stats["cost_usd"] == pytest.approx(row.cost_usd)

    # Neither the span nor the metric exporter complained about an answer.
    exporter_problems = [r for r in caplog.records if r.name.startswith("opentelemetry")]
    assert exporter_problems == []


def test_a_client_with_a_wrong_key_is_refused_and_nothing_is_stored(collector, fake_openai, caplog):
    sdk = openai.OpenAI(base_url=fake_openai.base_url, api_key="test-key", max_retries=0)
    client = prysmai.monitor(sdk, prysm_key="sk-prysm-" + "f" * 64, base_url=collector.url)

    response = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    prysmai.flush(timeout_s=10.0)
    sdk.close()

    assert response.choices[0].message.content  # the app's call is unaffected
    assert collector.rows() == []
    assert any("401" in record.getMessage() for record in caplog.records)
