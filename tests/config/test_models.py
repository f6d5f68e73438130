"""The pydantic models alone: field rules, helpers, and no password in errors or reprs."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from vgateway.config import (
    Camera,
    GatewaySettings,
    IngestSettings,
    NetworkConfig,
    StreamConfig,
    StreamRole,
    Town,
    Transport,
)

SECRET = "Zh1m4-K0u-L1ng"


def camera(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": "cam001",
        "name": "人民路与解放路交叉口",
        "town": "alpha",
        "department": "公安局交警大队",
        "location": "甲街道人民路与解放路交叉口",
        "area_type": "crossroad",
        "coordinates": {"lat": 30.3, "lon": 120.2},
        "streams": {"main": {"url": f"rtsp://admin:{SECRET}@10.0.0.1:554/101"}},
    }
    fields.update(changes)
    return fields


TOWNS = [
    {"id": "alpha", "name": "甲街道", "name_en": "Alpha Subdistrict", "kind": "街道"},
    {"id": "beta", "name": "乙镇", "name_en": "Beta Town", "kind": "镇"},
]


def test_camera_defaults_and_always_on() -> None:
    cam = Camera.model_validate(
        camera(streams={"main": {"url": "rtsp://h/1"}, "sub": {"url": "rtsps://h/2"}})
    )
    assert cam.enabled and cam.tags == () and cam.shared_with == () and cam.gb_id is None
    assert not cam.is_always_on(StreamRole.main)
    assert cam.is_always_on(StreamRole.sub)
    pinned = Camera.model_validate(
        camera(streams={"main": {"url": "rtsp://h/1", "always_on": True, "transport": "udp"}})
    )
    assert pinned.is_always_on(StreamRole.main)
    main_only = Camera.model_validate(camera(streams={"main": {"url": "rtsp://h/1"}}))
    assert main_only.is_always_on(StreamRole.main)  # the only stream feeds analytics
    assert pinned.streams[StreamRole.main].transport is Transport.udp


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id": "Cam 1"}, "id"),
        ({"town": "Alpha"}, "town"),
        ({"name": "  "}, "name"),
        ({"coordinates": {"lat": 91, "lon": 0}}, "coordinates.lat"),
        ({"coordinates": {"lat": 0, "lon": -181}}, "coordinates.lon"),
        ({"streams": {"sub": {"url": "rtsp://h/2"}}}, "streams"),
        ({"gb_id": "3301990004132000001"}, "gb_id"),
        ({"gb_id": "3301990004132000000X"}, "gb_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_camera_rejects(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Camera.model_validate(camera(**changes))
    locs = [".".join(map(str, e["loc"])) for e in caught.value.errors()]
    assert field in locs


def test_gb_id_may_be_written_as_a_number() -> None:
    assert Camera.model_validate(camera(gb_id=33019900041320000001)).gb_id == "33019900041320000001"


@pytest.mark.parametrize(
    "url",
    [
        f"http://admin:{SECRET}@10.0.0.1/x",
        f"rtsp://admin:{SECRET}@10.0.0.1:70000/x",
        f"rtsp://admin:{SECRET}@[10.0.0.1/x",
        f"admin:{SECRET}@10.0.0.1/x",
        f"rtsp://admin:{SECRET}@/x",
    ],
)
def test_bad_url_errors_hide_the_password(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        StreamConfig(url=url)
    error = caught.value
    assert SECRET not in str(error)
    assert SECRET not in repr(error)
    assert SECRET not in repr(error.errors(include_input=False))


def test_reprs_mask_passwords() -> None:
    stream = StreamConfig(url=f"rtsp://admin:{SECRET}@10.0.0.1:554/x")
    assert SECRET not in repr(stream) and SECRET not in str(stream)
    assert SECRET not in repr(Camera.model_validate(camera()))
    settings = GatewaySettings(database_url=f"postgresql://u:{SECRET}@db/x", redis_url=None)
    assert SECRET not in repr(settings)
    assert stream.url.endswith("/x") and SECRET in stream.url  # the value itself is intact


def test_models_are_frozen() -> None:
    stream = StreamConfig(url="rtsp://h/1")
    with pytest.raises(ValidationError):
        stream.url = "rtsp://other/1"  # type: ignore[misc]


def test_ingest_settings() -> None:
    ingest = IngestSettings()
    assert (ingest.transport, ingest.backoff_max_s, ingest.subscriber_queue_packets) == (
        Transport.tcp,
        10.0,
        250,
    )
    with pytest.raises(ValidationError, match="backoff_initial_s must not exceed"):
        IngestSettings(backoff_initial_s=20, backoff_max_s=10)
    with pytest.raises(ValidationError):
        IngestSettings(backoff_jitter=1.5)
    with pytest.raises(ValidationError):
        IngestSettings(connect_timeout_s=0)


def test_network_helpers() -> None:
    config = NetworkConfig.model_validate(
        {
            "district": "测试区",
            "towns": TOWNS,
            "cameras": [
                camera(),
                camera(id="cam002", town="beta", shared_with=["alpha"]),
                camera(id="cam003", town="beta"),
            ],
        }
    )
    assert config.camera("cam002").town == "beta"
    assert config.town("beta") == Town(**TOWNS[1])
    assert [c.id for c in config.cameras_visible_to_town("alpha")] == ["cam001", "cam002"]
    assert [c.id for c in config.cameras_in_town("beta")] == ["cam002", "cam003"]
    assert config.stream_transport(config.camera("cam001"), StreamRole.main) is Transport.tcp
    assert config.gateway.database_url == "sqlite:///var/vgateway.db"
    with pytest.raises(KeyError):
        config.camera("cam999")
    with pytest.raises(KeyError):
        config.cameras_visible_to_town("gamma")


def test_network_cross_checks_in_code() -> None:
    with pytest.raises(ValidationError) as caught:
        NetworkConfig.model_validate(
            {
                "district": "测试区",
                "towns": [*TOWNS, TOWNS[0]],
                "cameras": [
                    camera(gb_id="33019900041320000001"),
                    camera(
                        town="gamma", shared_with=["alpha", "delta"], gb_id="33019900041320000001"
                    ),
                ],
            }
        )
    text = str(caught.value)
    for expected in (
        "towns[2].id: duplicate town id 'alpha'",
        "cameras[1].id: duplicate camera id 'cam001'",
        "cameras[1].gb_id: duplicate gb_id",
        "cameras[1].town: unknown town 'gamma'",
        "cameras[1].shared_with[1]: unknown town 'delta'",
    ):
        assert expected in text
