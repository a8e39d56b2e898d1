"""Settings forms against cross-site request forgery, and without dashboard auth.

Every refusal is checked to have changed nothing: no key created, no rule added.
"""

from __future__ import annotations

import base64
import time

import pytest

from prysmai.collector.alert_store import AlertStore
from prysmai.collector.keys import hash_key
from tests.collector.conftest import send_raw
from tests.collector.settings_browser import FORM, Browser, text

KEYS = "/settings/keys"
CREATE = "/settings/keys/create"
ALERTS = "/settings/alerts"
ADD = "/settings/alerts/add"
RULE = {
    "name": "errors",
    "metric": "error_rate",
    "operator": ">",
    "threshold": "5%",
    "webhook": "https://example.com/hook",
}
ACTIONS = [
    "/settings/keys/create",
    "/settings/keys/revoke",
    "/settings/alerts/add",
    "/settings/alerts/enable",
    "/settings/alerts/disable",
    "/settings/alerts/remove",
    "/settings/alerts/test",
]


def _key_count(collector) -> int:
    return len(collector.server.keys.list())


def _rule_count(collector) -> int:
    with AlertStore(collector.db) as alerts:
        return len(alerts.rules())


@pytest.fixture
def browser(collector) -> Browser:
    return Browser(collector, collector.key)


@pytest.mark.parametrize(
    ("origin", "referer"),
    [
        (None, None),
        ("https://evil.example", None),
        ("null", None),
        ("http://127.0.0.1:1", None),  # another port is another origin
        ("http://localhost:{port}", None),  # another name, too
        ("https://127.0.0.1:{port}", None),  # and another scheme
        ("http://me@127.0.0.1:{port}", None),
        (None, "https://evil.example/settings/keys"),
        ("https://evil.example", "http://127.0.0.1:{port}/settings/keys"),  # Origin decides
    ],
)
def test_a_post_from_anywhere_but_the_dashboard_is_403(collector, browser, origin, referer):
    port = collector.server.port
    token = browser.token(KEYS, CREATE)
    headers = {
        "Origin": origin.format(port=port) if origin else None,
        "Referer": referer.format(port=port) if referer else None,
    }

    answer = browser.post(CREATE, {"name": "forged", "csrf": token}, headers=headers)

    assert answer.status == 403
    assert "a form must be sent from the dashboard&#x27;s page" in text(answer)
    assert "evil" not in text(answer)  # the other site's address is not echoed
    assert _key_count(collector) == 1


def test_the_referer_stands_in_for_a_missing_origin(collector, browser):
    token = browser.token(KEYS, CREATE)
    referer = f"{browser.origin}/settings/keys"

    answer = browser.post(
        CREATE, {"name": "ok", "csrf": token}, headers={"Origin": None, "Referer": referer}
    )

    assert answer.status == 200 and _key_count(collector) == 2


def test_a_cross_site_post_gets_403_before_any_login_prompt(collector):
    anonymous = Browser(collector, None)

    foreign = anonymous.post(CREATE, {"name": "x"}, headers={"Origin": "https://evil.example"})
    same_site = anonymous.post(CREATE, {"name": "x"})

    assert foreign.status == 403 and "www-authenticate" not in foreign.headers
    assert same_site.status == 401 and same_site.headers["www-authenticate"].startswith("Basic")
    assert _key_count(collector) == 1


def test_a_missing_bad_expired_or_foreign_token_is_403(collector, browser):
    other_key = collector.server.keys.create(name="other")
    csrf = collector.server.dashboard.settings.csrf
    good = browser.token(KEYS, CREATE)
    expiry, _, mac = good.partition(".")
    candidates = {
        "missing": None,
        "empty": "",
        "bad mac": f"{expiry}.{'0' * 64}",
        "one digit off": f"{expiry}.{mac[:-1]}{'1' if mac[-1] != '1' else '2'}",
        "later expiry": f"{int(expiry) + 1}.{mac}",
        "far future": csrf.issue(hash_key(collector.key), CREATE, now=time.time() + 86_400),
        "expired": csrf.issue(hash_key(collector.key), CREATE, now=time.time() - 3 * 3600),
        "other key": Browser(collector, other_key).token(KEYS, CREATE),
        "other form": browser.token(KEYS, "/settings/keys/revoke"),
        "not a token": "<script>",
    }

    answers = {}
    for label, token in candidates.items():
        fields = {"name": label} if token is None else {"name": label, "csrf": token}
        answers[label] = browser.post(CREATE, fields)

    for label, answer in answers.items():
        assert answer.status == 403, label
        assert "this form has expired or was not issued to this key" in text(answer), label
    assert _key_count(collector) == 2
    assert browser.post(CREATE, {"name": "real", "csrf": good}).status == 200


@pytest.mark.parametrize("action", ACTIONS)
def test_get_never_changes_anything(collector, browser, action):
    answer = browser.get(action + "?name=x&id=1")

    assert (answer.status, answer.headers["allow"]) == (405, "POST")
    assert _key_count(collector) == 1


@pytest.mark.parametrize("page", ["/settings", KEYS, ALERTS])
def test_pages_only_answer_get(browser, page):
    posted = browser.post(page, {"name": "x"})
    put = browser.collector.request("PUT", page, b"", {"Content-Length": "0"})

    assert (posted.status, posted.headers["allow"]) == (405, "GET")
    assert put.status == 405


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/json",
        f"{FORM}; charset=latin-1",
        "application/x-www-form-urlencoded-not",
        None,
    ],
)
def test_only_urlencoded_forms_are_read(collector, browser, content_type):
    token = browser.token(KEYS, CREATE)

    answer = browser.post(
        CREATE, {"name": "x", "csrf": token}, headers={"Content-Type": content_type}
    )

    assert answer.status == 415
    assert _key_count(collector) == 1


def test_a_charset_of_utf8_is_fine_and_a_coding_is_not(collector, browser):
    token = browser.token(KEYS, CREATE)
    fields = {"name": "x", "csrf": token}

    utf8 = browser.post(CREATE, fields, headers={"Content-Type": f"{FORM}; charset=UTF-8"})
    gzipped = browser.post(CREATE, fields, headers={"Content-Encoding": "gzip"})

    assert utf8.status == 200 and gzipped.status == 415
    assert _key_count(collector) == 2


def test_a_big_body_is_413_and_a_chunked_one_411(collector, browser):
    token = browser.token(KEYS, CREATE)
    big = f"csrf={token}&name={'a' * 64 * 1024}".encode()

    too_big = browser.post(CREATE, body=big)
    chunked = browser.post(CREATE, body=b"0\r\n\r\n", headers={"Transfer-Encoding": "chunked"})
    undecodable = browser.post(CREATE, body=f"csrf={token}&name=%ff%fe".encode())

    assert too_big.status == 413 and "a form may have at most 16384 bytes" in text(too_big)
    assert chunked.status == 411
    assert undecodable.status == 400
    assert _key_count(collector) == 1


def test_a_rebinding_host_is_refused_even_with_a_matching_origin(collector, browser):
    token = browser.token(KEYS, CREATE)
    evil = f"evil.example:{collector.server.port}"

    answer = browser.post(
        CREATE, {"csrf": token}, headers={"Host": evil, "Origin": f"http://{evil}"}
    )

    assert answer.status == 403
    assert text(answer) == "this dashboard only answers requests for localhost\n"
    assert _key_count(collector) == 1


def test_the_public_url_is_a_trusted_origin(make_collector):
    collector = make_collector(public_url="https://prysm.example.com")
    browser = Browser(collector, collector.key)
    token = browser.token(KEYS, CREATE)

    proxied = browser.post(CREATE, {"csrf": token}, headers={"Origin": "https://prysm.example.com"})
    other = browser.post(CREATE, {"csrf": token}, headers={"Origin": "https://example.com"})

    assert proxied.status == 200 and other.status == 403


def test_settings_pages_run_no_script_and_keep_their_origin_on_forms(collector, browser):
    for path in ("/settings", KEYS, ALERTS):
        answer = browser.get(path)
        csp = answer.headers["content-security-policy"]
        assert answer.status == 200
        assert "script-src 'nonce-" in csp and "form-action 'self'" in csp
        assert "<script" not in text(answer)
        assert answer.headers["referrer-policy"] == "same-origin"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["cache-control"] == "no-store"
    overview = browser.get("/")
    assert '<a href="/settings">Settings</a>' in text(overview)
    assert overview.headers["referrer-policy"] == "no-referrer"


def test_one_referrer_policy_header_only(collector):
    token = base64.b64encode(f"me:{collector.key}".encode()).decode()
    request = (
        f"GET {KEYS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {token}\r\n"
        "Connection: close\r\n\r\n"
    )

    head = send_raw(collector, request.encode()).split(b"\r\n\r\n")[0].decode()

    assert head.startswith("HTTP/1.1 200 ")
    assert [line for line in head.splitlines() if line.lower().startswith("referrer-policy")] == [
        "Referrer-Policy: same-origin"
    ]


# --no-dashboard-auth


@pytest.fixture
def open_dashboard(make_collector):
    return make_collector(dashboard_auth=False, alert_interval_s=None)


def test_without_dashboard_auth_key_management_is_refused(open_dashboard):
    browser = Browser(open_dashboard, None)

    page = browser.get(KEYS)
    create = browser.post(CREATE, {"name": "x", "csrf": "x"})
    revoke = browser.post("/settings/keys/revoke", {"id": "1", "confirm": "yes"})
    index = browser.get("/settings")

    assert page.status == create.status == revoke.status == 403
    assert "Key management is off" in text(page) and "--no-dashboard-auth" in text(page)
    assert "prysmai keys" in text(page)
    assert [info.is_active for info in open_dashboard.server.keys.list()] == [True]
    assert index.status == 200 and "off: this dashboard runs without keys" in text(index)


def test_without_dashboard_auth_rules_still_need_origin_and_token(open_dashboard):
    browser = Browser(open_dashboard, None)
    token = browser.token(ALERTS, ADD)

    foreign = browser.post(ADD, {**RULE, "csrf": token}, headers={"Origin": "https://evil.example"})
    tokenless = browser.post(ADD, RULE)
    forged = browser.post(ADD, {**RULE, "csrf": f"{int(time.time()) + 60}.{'a' * 64}"})
    before = _rule_count(open_dashboard)
    added = browser.post(ADD, {**RULE, "csrf": token})

    assert (foreign.status, tokenless.status, forged.status) == (403, 403, 403)
    assert before == 0
    assert added.status == 200 and _rule_count(open_dashboard) == 1


def test_a_token_of_an_open_dashboard_is_worthless_to_a_keyed_one(make_collector, collector):
    open_one = make_collector(dashboard_auth=False, alert_interval_s=None)
    token = Browser(open_one, None).token(ALERTS, ADD)

    answer = Browser(collector, collector.key).post(ADD, {**RULE, "csrf": token})

    assert answer.status == 403 and _rule_count(collector) == 0
