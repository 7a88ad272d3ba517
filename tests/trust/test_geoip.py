"""The country of a sign-in: a proxy's header first, then a MaxMind-format country database
(built here with the same format the real ones use), else unknown; the device record and
the new-country rule use it."""

import logging
import os
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from jiedan.trust.geoip import address_country, request_country
from jiedan.trust.models import DeviceFingerprint
from jiedan.trust.services import risk_evaluate

CHINA = "1.0.1.0/24"
JAPAN = "1.0.16.0/24"
GERMANY_V6 = "2a00:1450::/32"


def country_database(path, networks: dict[str, str]) -> str:
    """Write a country database like GeoLite2-Country: ``{"country": {"iso_code": …}}``."""
    writer = MMDBWriter(ip_version=6, database_type="GeoLite2-Country", ipv4_compatible=True)
    for network, code in networks.items():
        writer.insert_network(IPSet([network]), {"country": {"iso_code": code}})
    writer.to_db_file(str(path))
    return str(path)


@pytest.fixture
def database(tmp_path, settings):
    path = country_database(tmp_path / "country.mmdb", {CHINA: "CN", JAPAN: "JP", GERMANY_V6: "DE"})
    settings.JIEDAN_GEOIP_COUNTRY_DB = path
    return path


class Request:
    def __init__(self, address: str, **headers):
        self.META = {"REMOTE_ADDR": address, **headers}


def test_addresses_are_found_in_the_database(database):
    assert address_country("1.0.1.77") == "CN"
    assert address_country("1.0.16.3") == "JP"
    assert address_country("2a00:1450:4001::5") == "DE"


@pytest.mark.parametrize("address", ["10.0.0.1", "127.0.0.1", "8.8.8.8", "", "not an address"])
def test_private_unlisted_or_missing_addresses_are_unknown(database, address):
    assert address_country(address) == ""


def test_the_proxy_header_wins_and_a_bad_one_falls_back_to_the_database(database, settings):
    settings.JIEDAN_TRUST_COUNTRY_HEADER = "CF-IPCountry"
    assert request_country(Request("1.0.1.1", HTTP_CF_IPCOUNTRY="us")) == "US"
    assert request_country(Request("1.0.1.1", HTTP_CF_IPCOUNTRY="XX1")) == "CN"
    assert request_country(Request("1.0.1.1")) == "CN"


def test_without_a_database_or_header_the_country_is_unknown(settings):
    settings.JIEDAN_GEOIP_COUNTRY_DB = ""
    settings.JIEDAN_TRUST_COUNTRY_HEADER = ""
    assert request_country(Request("1.0.1.1")) == ""


def test_a_replaced_database_is_read_again(database):
    assert address_country("1.0.1.9") == "CN"
    # when the monthly update moves the network and replaces the file
    country_database(database, {CHINA: "HK"})
    stat = os.stat(database)
    os.utime(database, (stat.st_atime, stat.st_mtime + 60))
    # then the next lookup reads the new file
    assert address_country("1.0.1.9") == "HK"


def test_an_unreadable_database_is_logged_not_raised(tmp_path, settings, caplog):
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"not a database")
    settings.JIEDAN_GEOIP_COUNTRY_DB = str(broken)
    with caplog.at_level(logging.ERROR, logger="jiedan.trust.geoip"):
        assert address_country("1.0.1.1") == ""
    assert "cannot be read" in caplog.text


@pytest.mark.django_db
def test_a_sign_in_from_a_new_country_on_a_known_device_counts_as_new(database, member):
    # given a person whose browser was seen in China
    browser = Client(REMOTE_ADDR="1.0.1.20")
    browser.force_login(member)
    with translation.override("en"):
        url = reverse("trust:fingerprint")
    assert browser.post(url, {"hash": "ab" * 32}).status_code == 200
    DeviceFingerprint.objects.update(first_seen=timezone.now() - timedelta(days=20))
    # when the same browser signs in again from Japan and adds a payout method
    travelling = Client(REMOTE_ADDR="1.0.16.20")
    travelling.force_login(member)
    assert travelling.post(url, {"hash": "ab" * 32}).status_code == 200
    # then both devices carry their country, and the rule sees a new country
    assert sorted(DeviceFingerprint.objects.values_list("country", flat=True)) == ["CN", "JP"]
    hits = {hit.rule for hit in risk_evaluate(kind="payout_method.added", user=member)}
    assert "new_device_then_payout" in hits
