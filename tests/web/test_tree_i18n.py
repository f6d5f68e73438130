"""The page in Chinese and English, the camera tree with badges, and search."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import Gateway
from tests.web.wall_page import open_wall

pytestmark = [pytest.mark.browser, pytest.mark.rtsp]


def test_chinese_by_default_then_english_remembered(gateway: Gateway, page: Page) -> None:
    open_wall(page, gateway.url())
    expect(page).to_have_title("视频监控指挥平台")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    expect(page.locator(".town-name")).to_have_text(["测试街道"])
    expect(page.locator(".tile").first).to_contain_text("拖入摄像机")

    page.click(".btn-lang")
    expect(page).to_have_title("Video Surveillance Command")
    expect(page.locator(".town-name")).to_have_text(["Ceshi"])  # the town's name_en
    expect(page.locator(".cam-name").first).to_have_text("测试路口1")  # no name_en: stays Chinese
    expect(page.locator(".tile").first).to_contain_text("Drop a camera here")
    page.reload()
    page.wait_for_selector(".cam[data-state]")
    expect(page.locator(".btn-lang")).to_have_text("中文")
    expect(page.locator(".tree-summary")).to_contain_text("Online")


def test_tree_lists_cameras_with_state_badges(gateway: Gateway, page: Page) -> None:
    open_wall(page, gateway.url())
    cams = page.locator(".cam")
    expect(cams).to_have_count(5)
    # sub-streams are pulled all the time: every camera turns online, its badge green
    online = page.locator('.cam[data-state="online"] .badge.state-online')
    expect(online).to_have_count(5, timeout=30_000)
    expect(page.locator(".cam").first.locator(".cam-state")).to_have_text("在线")
    expect(page.locator(".tree-summary")).to_have_text("在线 5 / 5")
    expect(page.locator(".town-count")).to_have_text("5/5")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("测试路口3", ["cam003"]),
        ("cam002", ["cam002"]),
        ("测试路4号", ["cam004"]),  # location
        ("CAM00", ["cam001", "cam002", "cam003", "cam004", "cam005"]),
        ("测试 5", ["cam005"]),  # every term must match
        ("ceshi", ["cam001", "cam002", "cam003", "cam004", "cam005"]),  # the town's pinyin
        ("nowhere", []),
    ],
)
def test_search_filters(gateway: Gateway, page: Page, query: str, expected: list[str]) -> None:
    open_wall(page, gateway.url())
    page.fill(".tree-search", query)
    ids = page.locator(".cam").evaluate_all("(rows) => rows.map((r) => r.dataset.camera)")
    assert ids == expected


def test_search_matches_english_and_pinyin_names(gateway: Gateway, page: Page) -> None:
    open_wall(page, gateway.url())
    found = page.evaluate(
        """async () => {
          const { matches, queryTerms } = await import('/js/search.js');
          const camera = { id: 'cam001', name: '人民路与解放路交叉口', location: '城关街道',
                           name_en: 'Renmin Rd & Jiefang Rd Crossroad', tags: ['traffic'] };
          const town = { name_en: 'Chengguan Subdistrict' };
          return ['renmin jiefang', 'RenminRd', 'jiefang rd', '解放路', 'chengguan', 'traffic',
                  'renmin xinhua'].map((q) => matches(camera, queryTerms(q), town));
        }"""
    )
    assert found == [True, True, True, True, True, True, False]
    page.fill(".tree-search", "nowhere")
    expect(page.locator(".tree-note")).to_have_text("没有匹配的摄像机")


def test_every_string_exists_in_both_languages(gateway: Gateway, page: Page) -> None:
    open_wall(page, gateway.url())
    keys = page.evaluate(
        """async () => {
          const { STRINGS } = await import('/js/i18n.js');
          return Object.fromEntries(Object.entries(STRINGS).map(([k, v]) => [k, Object.keys(v)]));
        }"""
    )
    assert set(keys) == {"zh", "en"}
    assert sorted(keys["zh"]) == sorted(keys["en"])
    # nothing on the page is left without a translation key
    assert (
        page.locator("[data-i18n]").evaluate_all(
            "(els) => els.filter((el) => el.textContent === el.dataset.i18n).length"
        )
        == 0
    )
