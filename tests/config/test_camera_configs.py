"""The shipped camera_configs/: the 临江区 network, the demo overlay and the secrets example."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from vgateway.config import NetworkConfig, StreamRole, check_config, load_config
from vgateway.config.secrets import read_secrets_file

CONFIGS = Path(__file__).resolve().parents[2] / "camera_configs"
FAKE_PASSWORD = "Fake-Pw-For-Tests-9"


@pytest.fixture(scope="module")
def secrets_env() -> dict[str, str]:
    """Every variable the example documents, with a fake value."""
    values, issues = read_secrets_file(CONFIGS / "secrets.env.example", "secrets.env.example")
    assert issues == []
    return dict.fromkeys(values, FAKE_PASSWORD)


@pytest.fixture(scope="module")
def district(secrets_env: dict[str, str]) -> NetworkConfig:
    return load_config(CONFIGS / "district.yaml", env=secrets_env)


def test_district_shape(district: NetworkConfig) -> None:
    assert district.district == "临江区"
    assert len(district.towns) == 14
    assert {t.kind for t in district.towns} == {"镇", "街道"}
    assert [c.id for c in district.cameras] == [f"cam{n:03d}" for n in range(1, 120)]
    per_town = Counter(c.town for c in district.cameras)
    assert set(per_town) == {t.id for t in district.towns}
    assert all(5 <= n <= 12 for n in per_town.values()), per_town
    assert len({c.name for c in district.cameras}) == 119
    assert len({c.department for c in district.cameras}) >= 8
    for cam in district.cameras:
        assert 30.2 <= cam.coordinates.lat <= 30.5 and 120.0 <= cam.coordinates.lon <= 120.4
        assert re.search(r"[\u4e00-\u9fff]", cam.name) and cam.tags
        assert all(FAKE_PASSWORD in s.url for s in cam.streams.values())


def test_district_sharing_and_kinds(district: NetworkConfig) -> None:
    hazchem = [c for c in district.cameras if c.area_type == "hazchem_site"]
    assert hazchem and all(c.shared_with and "hazchem" in c.tags for c in hazchem)
    assert all(c.is_always_on(StreamRole.main) for c in hazchem)
    assert any(c.area_type == "highway" and c.shared_with for c in district.cameras)
    areas = {c.area_type for c in district.cameras}
    assert {"crossroad", "highway", "school", "market", "bridge", "station", "square"} <= areas
    assert sum(1 for c in district.cameras if c.gb_id) >= 30
    assert any(StreamRole.sub not in c.streams for c in district.cameras)
    for town in district.towns:
        visible = district.cameras_visible_to_town(town.id)
        assert len(visible) >= len(district.cameras_in_town(town.id)) > 0


def test_district_needs_every_secret(secrets_env: dict[str, str]) -> None:
    issues = check_config([CONFIGS / "district.yaml"], env={})
    named = {m.group(1) for i in issues if (m := re.search(r"variable '(\w+)'", i.message))}
    assert named == set(secrets_env)
    assert all(i.file.endswith("district.yaml") and i.line for i in issues)


def test_demo_loads_without_environment() -> None:
    demo = load_config(CONFIGS / "demo.yaml", env={})
    assert len(demo.cameras) == 119 and len(demo.towns) == 14
    assert demo.gateway.port == 8080 and demo.gateway.database_url.startswith("sqlite:///var/")
    assert demo.gateway.redis_url is None
    for cam in demo.cameras:
        for role, stream in cam.streams.items():
            assert stream.url == f"rtsp://127.0.0.1:8554/{cam.id}/{role}"


def test_generator_reproduces_committed_file() -> None:
    spec = importlib.util.spec_from_file_location(
        "generate_district", CONFIGS / "tools" / "generate_district.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    try:
        spec.loader.exec_module(module)
        text = module.emit(module.build())
    finally:
        del sys.modules[spec.name]
    assert text == (CONFIGS / "district.yaml").read_text(encoding="utf-8")


def test_readme_example_is_valid(tmp_path: Path) -> None:
    readme = (CONFIGS / "README.md").read_text(encoding="utf-8")
    match = re.search(r"```yaml\n(.*?)```", readme, re.S)
    assert match is not None
    path = tmp_path / "example.yaml"
    path.write_text(match.group(1), encoding="utf-8")
    assert check_config([path], env={"CAM_PASSWORD_JIAOJING": "x"}) == []
