"""Detector tables for ``detect_pii``: one positive per rule, plus near-misses that must not match.

Every value here is synthetic: keys are format-valid but spell FAKE/TEST, card numbers are
issuer test numbers or made up with a valid check digit, addresses use reserved ranges.
"""

from __future__ import annotations

import re

import pytest

from prysmai.security.findings import FindingKind
from prysmai.security.pii import PII_TYPES, SEVERITY, detect_pii, might_contain_pii

_ALNUM = "FAKEkeyFORtests0123456789abcdefGHIJKLmnopqrstUVWXYZ"


def fake(length: int, alphabet: str = _ALNUM) -> str:
    """An obviously fake, mixed-case random-looking body of ``length`` characters."""
    return (alphabet * (length // len(alphabet) + 1))[:length]


OPENAI_PROJECT = "sk-proj-" + fake(48) + "T3BlbkFJ" + fake(48)
OPENAI_SVCACCT = "sk-svcacct-" + fake(48) + "T3BlbkFJ" + fake(48)
OPENAI_ADMIN = "sk-admin-" + fake(48) + "T3BlbkFJ" + fake(48)
OPENAI_LEGACY = "sk-" + fake(20) + "T3BlbkFJ" + fake(20)
ANTHROPIC = "sk-ant-api03-" + fake(93) + "AA"
ANTHROPIC_ADMIN = "sk-ant-admin01-" + fake(93) + "AA"
GITHUB_FINE_GRAINED = "github_pat_" + fake(22) + "_" + fake(59)
JWT_SIGNED = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmYWtlLXVzZXIifQ." + fake(43)
PEM_BODY = "RkFLRSBLRVkgRk9SIFRFU1RTIE9OTFksIE5PVCBBIFJFQUwgS0VZ"


def pem(label: str, newline: str = "\n", indent: str = "") -> str:
    lines = [f"-----BEGIN {label}-----", PEM_BODY, PEM_BODY[:20] + "==", f"-----END {label}-----"]
    return (newline + indent).join(lines)


def found(text: str) -> list[tuple[str, str, str]]:
    """(category, rule, matched text) of every finding."""
    return [(f.category, f.rule, text[f.start : f.end]) for f in detect_pii(text)]


POSITIVES = [
    # text, category, rule, the exact value expected to be reported
    pytest.param("write to jane.doe@example.com today", "EMAIL", "email",
                 "jane.doe@example.com", id="email"),
    pytest.param("cc: j.o-doe+news@mail.example.co.uk.", "EMAIL", "email",
                 "j.o-doe+news@mail.example.co.uk", id="email-plus-tag-subdomains"),
    pytest.param("call me at (555) 010-7788", "PHONE", "phone", "(555) 010-7788", id="phone-nanp"),
    pytest.param("ring +44 20 7946 0958 now", "PHONE", "phone", "+44 20 7946 0958",
                 id="phone-international"),
    pytest.param("Phone:\n030 1234567", "PHONE", "phone", "030 1234567",
                 id="phone-cue-line-before"),
    pytest.param("0688 843 79 56 office", "PHONE", "phone", "0688 843 79 56",
                 id="phone-grouped-with-trunk-zero"),
    pytest.param("desk 555.010.7788x123", "PHONE", "phone", "555.010.7788x123",
                 id="phone-dotted-extension"),
    pytest.param("Phone no.: 555-0100", "PHONE", "phone", "555-0100", id="phone-short-with-cue"),
    pytest.param("my number is 415-555-0100", "PHONE", "phone", "415-555-0100",
                 id="phone-number-is-without-reference-word"),
    pytest.param("0910-5877671-Fax", "PHONE", "phone", "0910-5877671",
                 id="phone-suffix-cue-glued"),
    pytest.param("SSN 123-45-6789 on file", "SSN", "ssn.dashed", "123-45-6789", id="ssn-dashed"),
    pytest.param("social security number 123 45 6789", "SSN", "ssn.with_cue", "123 45 6789",
                 id="ssn-spaced-with-cue"),
    pytest.param("card 4111 1111 1111 1111 exp", "CREDIT_CARD", "credit_card",
                 "4111 1111 1111 1111", id="card-visa-spaced"),
    pytest.param("mc 2223003122000004", "CREDIT_CARD", "credit_card", "2223003122000004",
                 id="card-mastercard-2-series"),
    pytest.param("amex 3782-822463-10005", "CREDIT_CARD", "credit_card", "3782-822463-10005",
                 id="card-amex-4-6-5"),
    pytest.param("visa 4111111111111110005", "CREDIT_CARD", "credit_card",
                 "4111111111111110005", id="card-visa-19-digits"),
    pytest.param("maestro 675900000000", "CREDIT_CARD", "credit_card", "675900000000",
                 id="card-maestro-12-digits"),
    pytest.param("client 203.0.113.9 connected", "IP_ADDRESS", "ip_address.v4", "203.0.113.9",
                 id="ipv4"),
    pytest.param("from 2001:0db8:85a3:0000:0000:8a2e:0370:7334 at", "IP_ADDRESS",
                 "ip_address.v6", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", id="ipv6-full"),
    pytest.param("https://[2001:db8::1]:443/health", "IP_ADDRESS", "ip_address.v6", "2001:db8::1",
                 id="ipv6-compressed-in-url"),
    pytest.param("peer ::ffff:198.51.100.7 closed", "IP_ADDRESS", "ip_address.v6",
                 "::ffff:198.51.100.7", id="ipv6-ipv4-mapped"),
    pytest.param("link fe80::1%eth0 up", "IP_ADDRESS", "ip_address.v6", "fe80::1%eth0",
                 id="ipv6-link-local-zone"),
    pytest.param(f"OPENAI_API_KEY={OPENAI_PROJECT}", "API_KEY", "api_key.openai_project",
                 OPENAI_PROJECT, id="openai-project"),
    pytest.param(f"key {OPENAI_SVCACCT} end", "API_KEY", "api_key.openai_svcacct",
                 OPENAI_SVCACCT, id="openai-service-account"),
    pytest.param(f"key {OPENAI_ADMIN} end", "API_KEY", "api_key.openai_admin", OPENAI_ADMIN,
                 id="openai-admin"),
    pytest.param(f"key {OPENAI_LEGACY} end", "API_KEY", "api_key.openai_legacy", OPENAI_LEGACY,
                 id="openai-legacy"),
    pytest.param(f'{{"key": "{ANTHROPIC}"}}', "API_KEY", "api_key.anthropic", ANTHROPIC,
                 id="anthropic"),
    pytest.param(f"admin {ANTHROPIC_ADMIN}", "API_KEY", "api_key.anthropic_admin",
                 ANTHROPIC_ADMIN, id="anthropic-admin"),
    pytest.param("id AKIAFAKE0TEST1ONLY23 x", "API_KEY", "api_key.aws_access_key_id",
                 "AKIAFAKE0TEST1ONLY23", id="aws-access-key-id"),
    pytest.param("aws_secret_access_key = " + fake(36) + "/+ab", "API_KEY",
                 "api_key.aws_secret_access_key", fake(36) + "/+ab", id="aws-secret-labelled"),
    pytest.param("token ghp_" + fake(36), "API_KEY", "api_key.github_pat", "ghp_" + fake(36),
                 id="github-classic"),
    pytest.param("gho_" + fake(36), "API_KEY", "api_key.github_oauth", "gho_" + fake(36),
                 id="github-oauth"),
    pytest.param("ghu_" + fake(36), "API_KEY", "api_key.github_user", "ghu_" + fake(36),
                 id="github-user"),
    pytest.param("ghs_" + fake(36), "API_KEY", "api_key.github_server", "ghs_" + fake(36),
                 id="github-server"),
    pytest.param("ghr_" + fake(36), "API_KEY", "api_key.github_refresh", "ghr_" + fake(36),
                 id="github-refresh"),
    pytest.param(GITHUB_FINE_GRAINED, "API_KEY", "api_key.github_fine_grained",
                 GITHUB_FINE_GRAINED, id="github-fine-grained"),
    pytest.param("&key=AIza" + fake(35) + "&x=1", "API_KEY", "api_key.google_api",
                 "AIza" + fake(35), id="google-in-query-string"),
    pytest.param("sk_live_" + fake(40), "API_KEY", "api_key.stripe_secret_live",
                 "sk_live_" + fake(40), id="stripe-live"),
    pytest.param("sk_test_" + fake(40), "API_KEY", "api_key.stripe_secret_test",
                 "sk_test_" + fake(40), id="stripe-test"),
    pytest.param("rk_live_" + fake(40), "API_KEY", "api_key.stripe_restricted_live",
                 "rk_live_" + fake(40), id="stripe-restricted"),
    pytest.param("xoxb-123456789012-1234567890123-" + fake(24), "API_KEY", "api_key.slack_bot",
                 "xoxb-123456789012-1234567890123-" + fake(24), id="slack-bot"),
    pytest.param("xoxp-123456789012-123456789012-1234567890123-" + fake(32), "API_KEY",
                 "api_key.slack_user", "xoxp-123456789012-123456789012-1234567890123-" + fake(32),
                 id="slack-user"),
    pytest.param("xapp-1-A0FAKE123-1234567890123-" + fake(30), "API_KEY",
                 "api_key.slack_app_level", "xapp-1-A0FAKE123-1234567890123-" + fake(30),
                 id="slack-app-level"),
    pytest.param(f"Authorization: Bearer {JWT_SIGNED}", "API_KEY", "api_key.jwt", JWT_SIGNED,
                 id="jwt-signed"),
    pytest.param("hf_" + fake(34), "API_KEY", "api_key.huggingface", "hf_" + fake(34),
                 id="huggingface"),
    pytest.param("git clone https://deploy:S3cretFakePass9@git.example.com/r.git", "API_KEY",
                 "api_key.url_credentials", "S3cretFakePass9", id="url-credentials"),
    pytest.param('client_secret = "' + fake(32) + '"', "API_KEY", "api_key.labelled_secret",
                 fake(32), id="labelled-secret"),
    pytest.param(pem("RSA PRIVATE KEY"), "PRIVATE_KEY", "private_key.rsa",
                 pem("RSA PRIVATE KEY"), id="pem-rsa"),
    pytest.param(pem("EC PRIVATE KEY"), "PRIVATE_KEY", "private_key.ec", pem("EC PRIVATE KEY"),
                 id="pem-ec"),
    pytest.param(pem("PRIVATE KEY"), "PRIVATE_KEY", "private_key.pkcs8", pem("PRIVATE KEY"),
                 id="pem-pkcs8"),
    pytest.param(pem("OPENSSH PRIVATE KEY"), "PRIVATE_KEY", "private_key.openssh",
                 pem("OPENSSH PRIVATE KEY"), id="pem-openssh"),
    pytest.param(pem("ENCRYPTED PRIVATE KEY"), "PRIVATE_KEY", "private_key.encrypted",
                 pem("ENCRYPTED PRIVATE KEY"), id="pem-encrypted"),
    pytest.param('{"key": "' + pem("PRIVATE KEY", newline="\\n") + '\\n"}', "PRIVATE_KEY",
                 "private_key.pkcs8", pem("PRIVATE KEY", newline="\\n"), id="pem-json-escaped"),
    pytest.param("key: |\n  " + pem("EC PRIVATE KEY", indent="  ") + "\n", "PRIVATE_KEY",
                 "private_key.ec", pem("EC PRIVATE KEY", indent="  "), id="pem-yaml-indented"),
    pytest.param("-----BEGIN RSA PRIVATE KEY-----\n" + PEM_BODY + "\n", "PRIVATE_KEY",
                 "private_key.rsa", "-----BEGIN RSA PRIVATE KEY-----\n" + PEM_BODY,
                 id="pem-truncated"),
    pytest.param("She was born on 3/14/1988.", "DATE_OF_BIRTH", "date_of_birth", "3/14/1988",
                 id="dob-us-format"),
    pytest.param("DOB: 1988-03-14", "DATE_OF_BIRTH", "date_of_birth", "1988-03-14", id="dob-iso"),
    pytest.param("Geburtsdatum: 14.03.88", "DATE_OF_BIRTH", "date_of_birth", "14.03.88",
                 id="dob-german-two-digit-year"),
    pytest.param("Né le 14 mars 1988 à Lyon", "DATE_OF_BIRTH", "date_of_birth", "14 mars 1988",
                 id="dob-french"),
    pytest.param("Fecha de nacimiento: 14-Mar-1988", "DATE_OF_BIRTH", "date_of_birth",
                 "14-Mar-1988", id="dob-spanish"),
    pytest.param("nata il 14 marzo 1988", "DATE_OF_BIRTH", "date_of_birth", "14 marzo 1988",
                 id="dob-italian"),
    pytest.param("my birthday is March 14, 1988", "DATE_OF_BIRTH", "date_of_birth",
                 "March 14, 1988", id="dob-month-name"),
    pytest.param("Name: A. Test, D.O.B. Mar 14 1988, ID", "DATE_OF_BIRTH", "date_of_birth",
                 "Mar 14 1988", id="dob-dotted-cue"),
    pytest.param("born 19880314", "DATE_OF_BIRTH", "date_of_birth", "19880314", id="dob-compact"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "category", "rule", "value"), POSITIVES)
def test_each_rule_reports_its_value(text: str, category: str, rule: str, value: str) -> None:
    assert found(text) == [(category, rule, value)]


NEGATIVES = [
    pytest.param("Trace 88aa79b5-eca3-4ede-9697-aa02001a0677 failed", id="guid"),
    pytest.param("id 12345678-1234-1234-1234-123456789012", id="all-digit-guid"),
    pytest.param("Termin am 12.03.2024 um 10 Uhr", id="german-dotted-date"),
    pytest.param('{"product_id": 3074185296}', id="ten-digit-id"),
    pytest.param("created_at 1741500875", id="unix-timestamp"),
    pytest.param("ts=1718000000006 level=INFO", id="ms-timestamp-passing-luhn"),
    pytest.param("order #4000000000001 shipped", id="order-number-failing-luhn"),
    pytest.param("Invoice ORD-7006505506 is overdue", id="prefixed-order-number"),
    pytest.param("ISBN 978-3-16-148410-0", id="isbn-13-hyphenated"),
    pytest.param("ISBN 9783161484100", id="isbn-13"),
    pytest.param("SSN 900-12-3456", id="ssn-area-900"),
    pytest.param("SSN 000-12-3456", id="ssn-area-000"),
    pytest.param("SSN 666-12-3456", id="ssn-area-666"),
    pytest.param("SSN 123-00-4567", id="ssn-group-00"),
    pytest.param("SSN 123-45-0000", id="ssn-serial-0000"),
    pytest.param("listen [::]:80;", id="ipv6-unspecified"),
    pytest.param("Bind the listener to :: so it accepts every interface", id="ipv6-bare-colons"),
    pytest.param("bind 0.0.0.0:8080", id="ipv4-unspecified"),
    pytest.param("netmask 255.255.255.0", id="ipv4-netmask"),
    pytest.param("Replace std::vector<int>::iterator here", id="cpp-scope"),
    pytest.param("Replace a::b with c", id="cpp-short-scope"),
    pytest.param("The error points at dead::beef in parser.cpp", id="cpp-hex-looking-scope"),
    pytest.param("MAC address 24:EC:12:F5:CA:7D is on VLAN 20", id="mac-address"),
    pytest.param("Timer reset to 02:36:44", id="clock-time"),
    pytest.param("at 2019-02-10T08:45:34.167Z", id="iso-timestamp"),
    pytest.param("Running build 8.2.78.118 on the agent", id="version-like-ipv4"),
    pytest.param("Tested with 3.10.93.53", id="version-tested-with"),
    pytest.param("Bump to version 7.11.35.9302", id="version-four-parts"),
    pytest.param("Coordinates: 38.897675, -77.036547", id="decimal-coordinates"),
    pytest.param("commit 3c549e8cc404b061102bbb7db093594a67c3fd3d", id="git-sha"),
    pytest.param("Regression introduced by 8f8c1aa", id="short-git-sha"),
    pytest.param("sha256 " + "a3" * 32, id="sha256-hex"),
    pytest.param('integrity="sha384-' + fake(64) + '"', id="sri-hash"),
    pytest.param("OPENAI_API_KEY=sk-" + "x" * 48, id="placeholder-sk-xxxx"),
    pytest.param("api_key: your-api-key-here", id="placeholder-your-api-key-here"),
    pytest.param("OPENAI_API_KEY=YOUR_API_KEY_HERE", id="placeholder-upper"),
    pytest.param("OPENAI_API_KEY=${OPENAI_API_KEY}", id="placeholder-variable"),
    pytest.param("Set ANTHROPIC_API_KEY to sk-ant-REPLACE_ME", id="placeholder-anthropic"),
    pytest.param("aws_access_key_id=AKIAIOSFODNN7EXAMPLE", id="placeholder-aws-docs"),
    pytest.param("Example: eyJhbGciOiJub25lIn0.eyJzdWIiOiJmYWtlIn0.", id="unsigned-jwt"),
    pytest.param("password_file: /etc/app/secrets/api_token", id="secret-file-path"),
    pytest.param("Call getUserAccountSettingsFromRemoteConfigurationProvider()", id="camel-case"),
    pytest.param("The invoice is due on October 15, 2023.", id="date-without-birth-cue"),
    pytest.param("born on 31/02/1990", id="dob-impossible-date"),
    pytest.param("born in 1990", id="dob-year-only"),
    pytest.param("Suite 680 36 4022 Oakridge Lane", id="address-numbers"),
    pytest.param("Order no. 08-0077-745 shipped", id="labelled-order-number"),
    pytest.param("The invoice number is 2024-11-0042.", id="invoice-number-is"),
    pytest.param("Your order no. is 555-201-3344", id="order-no-is"),
    pytest.param("Ref #: 415 555 0100", id="ref-hash-colon"),
    pytest.param("Mozilla/5.0 (X11; rv:1.9.5.20) Gecko", id="user-agent-version"),
    pytest.param("scores 20 30 40 50", id="four-pairs-of-digits"),
    pytest.param("postgres://user:password@db.example.com/app", id="url-placeholder-password"),
    pytest.param("disk-usage-monitoring-dashboard-config-v2", id="kebab-case-with-sk-inside"),
    pytest.param("already [EMAIL_REDACTED] and [PHONE:0a1b2c3d] here", id="placeholders"),
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_near_misses_are_not_reported(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Paid by card (4929 1532 3444 6935)", [("CREDIT_CARD", "4929 1532 3444 6935")]),
        ("Gateway (192.168.0.1)", [("IP_ADDRESS", "192.168.0.1")]),
        ("(229-77-4211)", [("SSN", "229-77-4211")]),
        ("call (415) 555-0134", [("PHONE", "(415) 555-0134")]),
        ("curl http://192.168.1.20/admin", [("IP_ADDRESS", "192.168.1.20")]),
        ("allow 10.24.0.0/16;", [("IP_ADDRESS", "10.24.0.0")]),
        (
            "DHCP range 10.0.0.100-10.0.0.200",
            [("IP_ADDRESS", "10.0.0.100"), ("IP_ADDRESS", "10.0.0.200")],
        ),
        ("cc: 4539.7475.8219.1183", [("CREDIT_CARD", "4539.7475.8219.1183")]),
        ("Visa 4625 305 178 899", [("CREDIT_CARD", "4625 305 178 899")]),
        ("SSN: 465.86.4933", [("SSN", "465.86.4933")]),
        ("SSN 756\u201377\u20135109", [("SSN", "756\u201377\u20135109")]),
        ("Card 4539747582191183 - 123", [("CREDIT_CARD", "4539747582191183")]),
        ("call 415-555-0134 - 9am", [("PHONE", "415-555-0134")]),
        ("my ss number is 041132185", [("SSN", "041132185")]),
        ("my number 4155550134, text anytime", [("PHONE", "4155550134")]),
        ("मोबाइल: 98765-43210", [("PHONE", "98765-43210")]),
        ("my number: 4155550134", [("PHONE", "4155550134")]),
        ("No HP: 0812-3456-7890", [("PHONE", "0812-3456-7890")]),
        ("born on the 3rd of May, 1987", [("DATE_OF_BIRTH", "3rd of May, 1987")]),
        ("DOB 03MAY1987", [("DATE_OF_BIRTH", "03MAY1987")]),
        ("DOB 1987-May-03", [("DATE_OF_BIRTH", "1987-May-03")]),
        ("birth date: 3/May/1987", [("DATE_OF_BIRTH", "3/May/1987")]),
        ("born 3rd May '87", [("DATE_OF_BIRTH", "3rd May '87")]),
        ("DOB 1987/May/3rd", [("DATE_OF_BIRTH", "1987/May/3rd")]),
        ("born 3MAY1987", [("DATE_OF_BIRTH", "3MAY1987")]),
        ("родился 3 мая 1987", [("DATE_OF_BIRTH", "3 мая 1987")]),
        ("bday 03/05/1987", [("DATE_OF_BIRTH", "03/05/1987")]),
        ("nata il 1° gennaio 1990", [("DATE_OF_BIRTH", "1° gennaio 1990")]),
        ("出生日期：1992年8月15日", [("DATE_OF_BIRTH", "1992年8月15日")]),
        ("생년월일: 1992년 8월 15일", [("DATE_OF_BIRTH", "1992년 8월 15일")]),
        ("जन्म तिथि: 15/08/1992", [("DATE_OF_BIRTH", "15/08/1992")]),
        (
            "The AWS secret key is dy8n0NvBxc2fvzLHAfKlpb+79UNzV6vYbBMzrW4U",
            [("API_KEY", "dy8n0NvBxc2fvzLHAfKlpb+79UNzV6vYbBMzrW4U")],
        ),
        (
            "secret-key dy8n0NvBxc2fvzLHAfKlpb+79UNzV6vYbBMzrW4U",
            [("API_KEY", "dy8n0NvBxc2fvzLHAfKlpb+79UNzV6vYbBMzrW4U")],
        ),
        (
            "AWS creds: AKIAEM66ESYCAEMX5LKV / XLAsfmhVwlva+byCSEsWAGU0g47kCxhG4rS2A5e7",
            [
                ("API_KEY", "AKIAEM66ESYCAEMX5LKV"),
                ("API_KEY", "XLAsfmhVwlva+byCSEsWAGU0g47kCxhG4rS2A5e7"),
            ],
        ),
        ("pages 100 - 200 - 300", []),
        ("order 0812-3456-7890", []),
        ("years 2019\u20132020", []),
        ("item 465.86.4933", []),
        ("version 10.0.0.1-10.0.0.2", []),
        ("Price 1234.5678.9012.3456", []),
        ("see section 1.2.3.4.5", []),
        ("commit secret 1234567890abcdef1234567890abcdef12345678", []),
        ("kubectl describe secret OauthProxyCookieSecretForGrafana2Staging", []),
        ("client.getSecretValueFromAwsSecretsManagerClient2ForProd(x)", []),
        ("Compute 512 - 34 - 1234", []),
        ("my number of users is 4155550134", []),
        ("IDs 70000 12345", []),
        ("Date 0001-0002-0003", []),
        ("version (1.22.3.4)", []),
        ("sections 3.2.1.1-3.2.1.4", []),
        ("障害発生日: 2023年5月3日", []),
        ("장애 발생일: 2023년 5월 3일", []),
        ("学生日程 2023年5月3日", []),
        ("Рождество 07.01.2024", []),
        ("जन्माष्टमी 26/08/2024", []),
    ],
)
def test_values_in_brackets_paths_and_other_layouts(
    text: str, expected: list[tuple[str, str]]
) -> None:
    """Values enclosed in brackets, before a URL path or prefix length, with dots or typographic
    dashes, after prose cues, and dates of birth in more layouts; and their near misses."""
    actual = [(finding.category, text[finding.start : finding.end]) for finding in detect_pii(text)]

    assert actual == expected


def test_email_is_one_span_without_url_span_inside() -> None:
    text = "mailto:jane.doe@mail.example.com?subject=hi"

    assert found(text) == [("EMAIL", "email", "jane.doe@mail.example.com")]


def test_url_credentials_are_one_span_and_no_email() -> None:
    text = "https://deploy:S3cretFakePass9@git.example.com/r.git"

    assert found(text) == [("API_KEY", "api_key.url_credentials", "S3cretFakePass9")]


def test_key_inside_url_is_one_span() -> None:
    text = f"https://api.example.com/v1?token={OPENAI_PROJECT}&x=1"

    assert found(text) == [("API_KEY", "api_key.openai_project", OPENAI_PROJECT)]


def test_ipv4_mapped_ipv6_is_one_span() -> None:
    assert len(detect_pii("client=::ffff:198.51.100.7 rid=1")) == 1


def test_findings_are_sorted_non_overlapping_and_carry_placeholders() -> None:
    text = f"mail jane@example.com, card 4111111111111111, key {ANTHROPIC}, ip 203.0.113.9"

    findings = detect_pii(text)

    summary = [(f.kind, f.category, f.severity, f.snippet) for f in findings]
    assert summary == [
        (FindingKind.PII, "EMAIL", 3, "[EMAIL_REDACTED]"),
        (FindingKind.PII, "CREDIT_CARD", 5, "[CREDIT_CARD_REDACTED]"),
        (FindingKind.PII, "API_KEY", 6, "[API_KEY_REDACTED]"),
        (FindingKind.PII, "IP_ADDRESS", 3, "[IP_ADDRESS_REDACTED]"),
    ]
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:], strict=False))


def test_severity_table_covers_every_type() -> None:
    assert SEVERITY == {
        "API_KEY": 6,
        "PRIVATE_KEY": 6,
        "SSN": 5,
        "CREDIT_CARD": 5,
        "EMAIL": 3,
        "PHONE": 3,
        "IP_ADDRESS": 3,
        "DATE_OF_BIRTH": 3,
    }
    assert set(SEVERITY) == PII_TYPES


def test_types_filter_keeps_only_requested_types() -> None:
    text = "mail jane@example.com or call (555) 010-7788"

    assert [f.category for f in detect_pii(text, frozenset({"PHONE"}))] == ["PHONE"]


def test_offsets_index_the_original_text_after_non_ascii() -> None:
    text = "Grüße von Zoë – née le 14.03.1988, mail zoë.x@example.com"

    assert found(text) == [
        ("DATE_OF_BIRTH", "date_of_birth", "14.03.1988"),
        ("EMAIL", "email", "zoë.x@example.com"),
    ]


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("müller@example.de", id="umlaut-local"),
        pytest.param("ılgaz@example.com", id="dotless-i-local"),
        pytest.param("résumé@example.com", id="accent-before-at"),
        pytest.param("jose\u0301@example.com", id="combining-accent-before-at"),
        pytest.param("user@bücher.de", id="idn-domain"),
        pytest.param("İlkay.Öztürk@örnek.com.tr", id="turkish"),
        pytest.param("Ілля@приклад.укр", id="cyrillic-tld"),
        pytest.param("info@example.xn--p1ai", id="punycode-tld"),
        pytest.param("o'brien@example.com", id="apostrophe"),
        pytest.param("ʃarlotte@example.com", id="ipa-letter"),
        pytest.param("joⱥn@example.com", id="latin-extended-c"),
        pytest.param("info@пример.РФ", id="upper-case-cyrillic-tld"),
    ],
)
def test_internationalised_addresses_are_one_whole_email_span(address: str) -> None:
    text = f"Schreib an {address} bitte."

    assert found(text) == [("EMAIL", "email", address)]


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("ja\u200bne@example.com", id="zero-width-in-local-part"),
        pytest.param("jane@exa\u200bmple.com", id="zero-width-in-domain"),
        pytest.param("ja\u00adne@example.com", id="soft-hyphen"),
        pytest.param("jane@example.c\u200bom", id="zero-width-in-tld"),
    ],
)
def test_zero_width_characters_inside_an_address_are_part_of_it(address: str) -> None:
    assert found(f"mail {address} now") == [("EMAIL", "email", address)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("y = ω@self.weight", id="matrix-product"),
        pytest.param("Я написал@Ивану.Он ответил", id="cyrillic-sentence"),
    ],
)
def test_non_latin_words_around_an_at_sign_are_no_address(text: str) -> None:
    assert found(text) == []


def test_greek_question_mark_ends_an_address() -> None:
    assert found("Γράψε στο μαρία@παράδειγμα.ελ;") == [("EMAIL", "email", "μαρία@παράδειγμα.ελ")]


@pytest.mark.parametrize("tail", ["\u2060", "\u200b", "\u00ad", "\ufeff"])
def test_zero_width_characters_after_an_address_are_left_out_of_it(tail: str) -> None:
    assert found(f"see bob@company.co.uk{tail}, thanks") == [
        ("EMAIL", "email", "bob@company.co.uk")
    ]


@pytest.mark.parametrize(
    ("number", "category"),
    [
        pytest.param("4111\u200b1111\u200b1111\u200b1111", "CREDIT_CARD", id="card-groups"),
        pytest.param("41\u00ad11111111111111", "CREDIT_CARD", id="card-soft-hyphen"),
        pytest.param("+1 415\u200b555\u200d2671", "PHONE", id="phone"),
        pytest.param("123-45-67\u20608\ufeff9", "SSN", id="ssn"),
        pytest.param("4111\u200b 1111\u200b 1111\u200b 1111", "CREDIT_CARD", id="with-spaces"),
        pytest.param("4111-\u200b1111-\u200b1111-\u200b1111", "CREDIT_CARD", id="with-dashes"),
        pytest.param("4111\u200e1111\u200e1111\u200e1111", "CREDIT_CARD", id="bidi-marks"),
        pytest.param(
            "4111\ufe0f1111\u20621111\u034f1111", "CREDIT_CARD", id="selectors-and-operators"
        ),
        pytest.param("+1 415\U000e0020555\U000e00202671", "PHONE", id="tag-spaces"),
    ],
)
def test_numbers_broken_up_by_invisible_characters_are_found_whole(
    number: str, category: str
) -> None:
    text = f"here: {number} ok"

    assert [(c, v) for c, _, v in found(text)] == [(category, number)]
    assert might_contain_pii(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        pytest.param("我的手机号是13812345678", "13812345678", id="chinese-mobile-glued"),
        pytest.param("电话：13812345678", "13812345678", id="chinese-phone-label"),
        pytest.param("请拨打13812345678联系我", "13812345678", id="chinese-call"),
        pytest.param("携帯: 090-1234-5678", "090-1234-5678", id="japanese-mobile"),
        pytest.param("전화 01012345678", "01012345678", id="korean-phone"),
        pytest.param("โทร 0812345678", "0812345678", id="thai-call"),
        pytest.param("客服电话（工作日9点-18点）：13812345678", "13812345678", id="hours-note"),
        pytest.param("Phone (24/7): 4155550134", "4155550134", id="parenthesised-note"),
        pytest.param("Mobile #2: 4155550134", "4155550134", id="numbered-label"),
        pytest.param(
            "Phone (mobile, preferred; evenings only after 6pm): 4155550134",
            "4155550134",
            id="long-note",
        ),
    ],
)
def test_phone_cue_words_of_east_asian_languages_mark_bare_numbers(text: str, number: str) -> None:
    assert found(text) == [("PHONE", "phone", number)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("订单号13812345678", id="order-number"),
        pytest.param("手机型号2024款 共12345678台", id="cue-before-another-number"),
        pytest.param("13812345678", id="bare-digits"),
        pytest.param("电话会议已改到明天，订单号 20240315", id="conference-call-then-order"),
        pytest.param("전화 주셔서 감사합니다. 주문번호 20240315123456 입니다.", id="korean-order"),
        pytest.param("โทรทัศน์ราคา 15900000 บาท", id="thai-television-price"),
        pytest.param("携帯ケースの注文番号 1234567890", id="phone-case-order"),
        pytest.param("전화기 가격은 1290000원입니다", id="telephone-set-price"),
        pytest.param("電話で確認しました。Unix time 1710489600", id="unix-time"),
        pytest.param("The call took 12345678 ns", id="duration"),
        pytest.param("call stack depth 1234567", id="stack-depth"),
        pytest.param("contact count: 12345678", id="count"),
        pytest.param("phone: 2023-01-01 12:34:56", id="date-time-after-a-cue"),
        pytest.param("电话 20230101123456", id="compact-date-time"),
        pytest.param("手机 1700000000 时间戳", id="timestamp-after"),
        pytest.param("phone model XR (2024 edition, 256 GB) 12345678", id="note-after-a-model"),
    ],
)
def test_bare_eleven_digit_numbers_without_a_phone_cue_stay_clean(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("请联系我13812345678，谢谢", id="please-contact-me"),
        pytest.param("有问题请拨打 15912345678 或发邮件", id="please-dial"),
        pytest.param("订单有问题请联系13812345678", id="contact-after-an-order-word"),
        pytest.param("短信 18612345678", id="text-message"),
    ],
)
def test_bare_chinese_mobile_numbers_after_a_contact_word_are_phones(text: str) -> None:
    [number] = re.findall(r"1[3-9]\d{9}", text)

    assert [(category, value) for category, _, value in found(text)] == [("PHONE", number)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("id 13812345678 in the log", id="no-cue"),
        pytest.param("user 18612345678 登录失败", id="no-cue-in-chinese"),
        pytest.param("会员号13812345678", id="member-number"),
        pytest.param("QQ号13812345678", id="qq-number"),
        pytest.param("人口13912345678人", id="population"),
        pytest.param("共有13812345678个", id="a-count"),
        pytest.param("订单号 13812345678", id="order-number"),
    ],
)
def test_bare_eleven_digit_numbers_in_chinese_text_without_a_contact_word_stay_clean(
    text: str,
) -> None:
    assert found(text) == []


def test_short_numbers_with_invisible_characters_stay_clean() -> None:
    assert found("ids 12\u200b34 and 56\u200d78, build 2024\u200b05") == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("use icon@2x.png and logo@3x.PNG", id="retina-images"),
        pytest.param("import styles from './button@1x.css'", id="stylesheet"),
        pytest.param("see chart@v2.json for the data", id="data-file"),
        pytest.param("open Assets/icon@2x.imageset/Contents.json", id="asset-catalogue"),
        pytest.param("play banner@2x.mov", id="scale-before-a-real-domain"),
        pytest.param("load weights@v1.onnx and model@best.ckpt", id="model-files"),
        pytest.param("y = mat@vec.norm", id="matrix-product"),
        pytest.param("<script src=bundle@2.min.css>", id="minified-bundle"),
        pytest.param("git clone git@github.com:org/repo.git", id="git-remote"),
        pytest.param("scp backup.tgz admin@files.example.com:/srv/backups/", id="scp-target"),
    ],
)
def test_file_names_with_an_at_sign_are_no_address(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        pytest.param("write to jane@corp.zip today", "jane@corp.zip", id="zip-is-a-domain"),
        pytest.param("write to dev@team.sh today", "dev@team.sh", id="sh-is-a-domain"),
        pytest.param("sent user@example.com.png", "user@example.com", id="extension-dropped"),
        pytest.param("mail bob@corp.internal now", "bob@corp.internal", id="private-network"),
        pytest.param("mail bob@corp.intranet now", "bob@corp.intranet", id="rfc-6762-name"),
        pytest.param("mail x@сайт.католик now", "x@сайт.католик", id="cyrillic-gtld"),
        pytest.param("mail jane@3x.ai now", "jane@3x.ai", id="scale-like-domain"),
        pytest.param("mail ceo@startup.technology now", "ceo@startup.technology", id="new-gtld"),
        pytest.param(
            "mail x@xn--80ak6aa92e.xn--p1ai now", "x@xn--80ak6aa92e.xn--p1ai", id="punycode"
        ),
    ],
)
def test_domains_that_look_like_extensions_stay_addresses(text: str, address: str) -> None:
    assert found(text) == [("EMAIL", "email", address)]


def test_zero_width_space_alone_is_no_local_part() -> None:
    assert found("x \u200b@example.com") == []


def test_letters_of_unspaced_scripts_do_not_join_the_address() -> None:
    assert found("请发邮件到test@example.com") == [("EMAIL", "email", "test@example.com")]


def test_only_first_date_after_a_birth_cue_counts() -> None:
    text = "DOB 1988-03-14, admitted 2020-01-01"

    assert found(text) == [("DATE_OF_BIRTH", "date_of_birth", "1988-03-14")]


def test_lone_surrogates_do_not_break_detection() -> None:
    text = "\udcff jane@example.com \ud800"

    assert found(text) == [("EMAIL", "email", "jane@example.com")]


def test_might_contain_pii_is_false_for_prose() -> None:
    prose = "We agreed to ship version 2 of the onboarding flow by the end of September."

    assert (might_contain_pii(prose), might_contain_pii(prose + " jane@example.com")) == (
        False,
        True,
    )


def test_empty_text_has_no_findings() -> None:
    assert detect_pii("") == []


REPEATED_UNITS = ("a", "1", ":", "@", "1 ", "1-", "1.2.3.4.", "::", "a@b.", "sk-", "eyJ",
                  "born ", "(1)", "key=", "é")  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("unit", REPEATED_UNITS)
def test_a_megabyte_of_one_repeated_pattern_completes(unit: str) -> None:
    """Linear time: no catastrophic backtracking on long runs of one character or pattern."""
    text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]

    assert detect_pii(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "call +1 415\u00a0555\u00a02671 now",
            [("PHONE", "phone", "+1 415\u00a0555\u00a02671")],
            id="no-break-spaces",
        ),
        pytest.param(
            "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ までどうぞ",
            [("EMAIL", "email", "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ")],
            id="fullwidth-email",
        ),
        pytest.param(
            "SSN １２３-４５-６７８９",
            [("SSN", "ssn.dashed", "１２３-４５-６７８９")],
            id="fullwidth-ssn",
        ),
        pytest.param("prix : 1\u202f200 €", [], id="thin-space-price"),
    ],
)
def test_no_break_spaces_and_fullwidth_forms_read_as_plain(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert found(text) == expected


def test_a_split_number_next_to_a_lone_surrogate_is_found() -> None:
    text = "\ud800 card 4111\u200b1111\u200b1111\u200b1111"

    assert might_contain_pii(text)
    assert [f.category for f in detect_pii(text)] == ["CREDIT_CARD"]
