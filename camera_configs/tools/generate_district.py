"""Generate camera_configs/district.yaml: the fictional 临江区 (Linjiang District) network.

14 towns/subdistricts and 119 cameras merged from the district's departments. Run from the
repository root: `.venv/bin/python camera_configs/tools/generate_district.py`. The output is
deterministic (seeded), so re-running it only changes what the data below changes.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import yaml

OUTPUT = Path(__file__).resolve().parent.parent / "district.yaml"
GB_CENTRE = "33019900"  # fictional 8-digit centre code of 临江区 (GB/T 28181 device id prefix)


@dataclass(frozen=True)
class TownSpec:
    id: str
    name: str
    name_en: str
    kind: str
    lat: float
    lon: float
    neighbours: tuple[str, ...]


TOWNS = [
    TownSpec("chengguan", "城关街道", "Chengguan Subdistrict", "街道", 30.350, 120.200,
             ("donghu", "ximen", "jiangbin", "beishan")),
    TownSpec("donghu", "东湖街道", "Donghu Subdistrict", "街道", 30.355, 120.245,
             ("chengguan", "beishan", "nanjiang", "xintang", "qingshi")),
    TownSpec("jiangbin", "江滨街道", "Jiangbin Subdistrict", "街道", 30.315, 120.205,
             ("chengguan", "ximen", "nanjiang", "baisha", "fenghuang")),
    TownSpec("ximen", "西门街道", "Ximen Subdistrict", "街道", 30.350, 120.155,
             ("chengguan", "shiqiao", "liuxi", "baisha", "jiangbin")),
    TownSpec("beishan", "北山街道", "Beishan Subdistrict", "街道", 30.395, 120.200,
             ("chengguan", "donghu", "taoyuan", "liuxi", "qingshi")),
    TownSpec("nanjiang", "南江街道", "Nanjiang Subdistrict", "街道", 30.285, 120.240,
             ("jiangbin", "donghu", "longmen", "fenghuang")),
    TownSpec("qingshi", "青石镇", "Qingshi Town", "镇", 30.420, 120.300,
             ("donghu", "beishan", "taoyuan", "xintang")),
    TownSpec("baisha", "白沙镇", "Baisha Town", "镇", 30.270, 120.120,
             ("ximen", "jiangbin", "shiqiao", "fenghuang")),
    TownSpec("liuxi", "柳溪镇", "Liuxi Town", "镇", 30.440, 120.130,
             ("ximen", "beishan", "taoyuan", "shiqiao")),
    TownSpec("taoyuan", "桃源镇", "Taoyuan Town", "镇", 30.470, 120.220,
             ("beishan", "liuxi", "qingshi")),
    TownSpec("longmen", "龙门镇", "Longmen Town", "镇", 30.240, 120.330,
             ("nanjiang", "xintang", "fenghuang")),
    TownSpec("shiqiao", "石桥镇", "Shiqiao Town", "镇", 30.330, 120.060,
             ("ximen", "baisha", "liuxi")),
    TownSpec("xintang", "新塘镇", "Xintang Town", "镇", 30.380, 120.360,
             ("donghu", "qingshi", "longmen")),
    TownSpec("fenghuang", "凤凰镇", "Fenghuang Town", "镇", 30.220, 120.200,
             ("jiangbin", "nanjiang", "baisha", "longmen")),
]

# Per town: (area_type, Chinese name, English name). Order within a town is the camera order.
SITES: dict[str, list[tuple[str, str, str]]] = {
    "chengguan": [
        ("crossroad", "人民路与解放路交叉口", "Renmin Rd & Jiefang Rd Crossroad"),
        ("crossroad", "人民路与建设路交叉口", "Renmin Rd & Jianshe Rd Crossroad"),
        ("crossroad", "中山路与解放路交叉口", "Zhongshan Rd & Jiefang Rd Crossroad"),
        ("crossroad", "中山路与文化路交叉口", "Zhongshan Rd & Wenhua Rd Crossroad"),
        ("crossroad", "新华路与胜利路交叉口", "Xinhua Rd & Shengli Rd Crossroad"),
        ("road", "解放路步行街北口", "Jiefang Rd Pedestrian Street North Entrance"),
        ("school", "临江区第一中学校门", "Linjiang No.1 Middle School Gate"),
        ("school", "城关中心小学校门", "Chengguan Central Primary School Gate"),
        ("market", "城关农贸市场", "Chengguan Farmers' Market"),
        ("square", "人民广场", "People's Square"),
        ("station", "临江汽车客运站", "Linjiang Coach Station"),
        ("bridge", "解放桥", "Jiefang Bridge"),
    ],
    "donghu": [
        ("crossroad", "东湖路与建设路交叉口", "Donghu Rd & Jianshe Rd Crossroad"),
        ("crossroad", "东湖路与迎宾大道交叉口", "Donghu Rd & Yingbin Ave Crossroad"),
        ("crossroad", "迎宾大道与科技路交叉口", "Yingbin Ave & Keji Rd Crossroad"),
        ("crossroad", "科技路与创业路交叉口", "Keji Rd & Chuangye Rd Crossroad"),
        ("crossroad", "东湖路与湖滨路交叉口", "Donghu Rd & Hubin Rd Crossroad"),
        ("road", "迎宾大道区政府段", "Yingbin Ave (District Government Section)"),
        ("school", "东湖中学校门", "Donghu Middle School Gate"),
        ("school", "东湖实验小学校门", "Donghu Experimental Primary School Gate"),
        ("market", "东湖菜市场", "Donghu Food Market"),
        ("square", "东湖广场", "Donghu Square"),
        ("river", "东湖水位监测点", "Donghu Lake Water Level Station"),
    ],
    "jiangbin": [
        ("crossroad", "滨江路与人民路交叉口", "Binjiang Rd & Renmin Rd Crossroad"),
        ("crossroad", "滨江路与中山路交叉口", "Binjiang Rd & Zhongshan Rd Crossroad"),
        ("crossroad", "江滨大道与沿江路交叉口", "Jiangbin Ave & Yanjiang Rd Crossroad"),
        ("bridge", "青江大桥北桥头", "Qingjiang Bridge North End"),
        ("bridge", "江滨人行桥", "Jiangbin Footbridge"),
        ("river", "青江江滨段防洪堤", "Qingjiang Jiangbin Flood Wall"),
        ("river", "青江码头水位监测点", "Qingjiang Wharf Water Level Station"),
        ("square", "江滨公园广场", "Jiangbin Park Square"),
        ("school", "江滨小学校门", "Jiangbin Primary School Gate"),
        ("road", "沿江路江滨公园段", "Yanjiang Rd (Jiangbin Park Section)"),
    ],
    "ximen": [
        ("crossroad", "西门路与解放路交叉口", "Ximen Rd & Jiefang Rd Crossroad"),
        ("crossroad", "西门路与工农路交叉口", "Ximen Rd & Gongnong Rd Crossroad"),
        ("crossroad", "工农路与环城西路交叉口", "Gongnong Rd & West Ring Rd Crossroad"),
        ("crossroad", "环城西路与新华路交叉口", "West Ring Rd & Xinhua Rd Crossroad"),
        ("school", "西门中学校门", "Ximen Middle School Gate"),
        ("school", "西门小学校门", "Ximen Primary School Gate"),
        ("market", "西门农贸市场", "Ximen Farmers' Market"),
        ("market", "西门小商品市场", "Ximen Small Commodities Market"),
        ("station", "临江火车站站前广场", "Linjiang Railway Station Forecourt"),
        ("square", "西门文化广场", "Ximen Culture Square"),
    ],
    "beishan": [
        ("crossroad", "北山路与人民路交叉口", "Beishan Rd & Renmin Rd Crossroad"),
        ("crossroad", "北山路与环城北路交叉口", "Beishan Rd & North Ring Rd Crossroad"),
        ("crossroad", "环城北路与建设路交叉口", "North Ring Rd & Jianshe Rd Crossroad"),
        ("school", "北山中学校门", "Beishan Middle School Gate"),
        ("school", "北山小学校门", "Beishan Primary School Gate"),
        ("market", "北山农贸市场", "Beishan Farmers' Market"),
        ("road", "北山隧道南口", "Beishan Tunnel South Portal"),
        ("road", "环城北路北山公园段", "North Ring Rd (Beishan Park Section)"),
        ("square", "北山公园广场", "Beishan Park Square"),
    ],
    "nanjiang": [
        ("crossroad", "南江大道与青江路交叉口", "Nanjiang Ave & Qingjiang Rd Crossroad"),
        ("crossroad", "南江大道与工业路交叉口", "Nanjiang Ave & Gongye Rd Crossroad"),
        ("crossroad", "工业路与化工路交叉口", "Gongye Rd & Huagong Rd Crossroad"),
        ("hazchem_site", "南江化工园区危化品仓库", "Nanjiang Chemical Park Hazchem Warehouse"),
        ("hazchem_site", "南江化工园区储罐区", "Nanjiang Chemical Park Tank Farm"),
        ("highway", "G320国道南江段K156", "G320 National Road Nanjiang K156"),
        ("bridge", "青江大桥南桥头", "Qingjiang Bridge South End"),
        ("school", "南江中学校门", "Nanjiang Middle School Gate"),
        ("river", "青江南岸闸口", "Qingjiang South Bank Sluice"),
    ],
    "qingshi": [
        ("hazchem_site", "青石精细化工园区危化品仓库", "Qingshi Chemical Park Hazchem Warehouse"),
        ("hazchem_site", "青石精细化工园区储罐区", "Qingshi Chemical Park Tank Farm"),
        ("hazchem_site", "青石精细化工园区装卸作业区", "Qingshi Chemical Park Loading Bay"),
        ("highway", "G320国道青石段K142", "G320 National Road Qingshi K142"),
        ("highway", "G320国道青石收费站", "G320 National Road Qingshi Toll Station"),
        ("crossroad", "青石大道与镇中路交叉口", "Qingshi Ave & Zhenzhong Rd Crossroad"),
        ("school", "青石镇中学校门", "Qingshi Town Middle School Gate"),
        ("market", "青石农贸市场", "Qingshi Farmers' Market"),
        ("village", "上塘村村口", "Shangtang Village Entrance"),
    ],
    "baisha": [
        ("highway", "S211省道白沙段K23", "S211 Provincial Road Baisha K23"),
        ("highway", "S211省道白沙服务区", "S211 Provincial Road Baisha Service Area"),
        ("crossroad", "白沙大道与镇南路交叉口", "Baisha Ave & Zhennan Rd Crossroad"),
        ("school", "白沙中心小学校门", "Baisha Central Primary School Gate"),
        ("market", "白沙农贸市场", "Baisha Farmers' Market"),
        ("river", "白沙河水位监测点", "Baisha River Water Level Station"),
        ("village", "沙湾村村口", "Shawan Village Entrance"),
        ("village", "白沙村村委会", "Baisha Village Committee"),
    ],
    "liuxi": [
        ("crossroad", "柳溪路与镇中路交叉口", "Liuxi Rd & Zhenzhong Rd Crossroad"),
        ("school", "柳溪中学校门", "Liuxi Middle School Gate"),
        ("market", "柳溪农贸市场", "Liuxi Farmers' Market"),
        ("river", "柳溪上游水位监测点", "Upper Liuxi Water Level Station"),
        ("river", "柳溪水库大坝", "Liuxi Reservoir Dam"),
        ("bridge", "柳溪大桥", "Liuxi Bridge"),
        ("village", "竹林村村口", "Zhulin Village Entrance"),
        ("village", "溪口村村口", "Xikou Village Entrance"),
    ],
    "taoyuan": [
        ("highway", "S211省道桃源段K41", "S211 Provincial Road Taoyuan K41"),
        ("highway", "S211省道桃源隧道口", "S211 Provincial Road Taoyuan Tunnel Portal"),
        ("crossroad", "桃源路与镇中路交叉口", "Taoyuan Rd & Zhenzhong Rd Crossroad"),
        ("school", "桃源中心小学校门", "Taoyuan Central Primary School Gate"),
        ("market", "桃源农贸市场", "Taoyuan Farmers' Market"),
        ("square", "桃源文化广场", "Taoyuan Culture Square"),
        ("village", "桃花村村口", "Taohua Village Entrance"),
        ("village", "源头村村口", "Yuantou Village Entrance"),
    ],
    "longmen": [
        ("hazchem_site", "龙门新材料产业园危化品仓库", "Longmen Materials Park Hazchem Warehouse"),
        ("hazchem_site", "龙门新材料产业园主入口", "Longmen Materials Park Main Gate"),
        ("highway", "G320国道龙门段K171", "G320 National Road Longmen K171"),
        ("crossroad", "龙门大道与镇中路交叉口", "Longmen Ave & Zhenzhong Rd Crossroad"),
        ("school", "龙门中学校门", "Longmen Middle School Gate"),
        ("market", "龙门农贸市场", "Longmen Farmers' Market"),
        ("village", "龙潭村村口", "Longtan Village Entrance"),
    ],
    "shiqiao": [
        ("bridge", "石桥古桥", "Shiqiao Old Stone Bridge"),
        ("bridge", "西溪大桥", "Xixi Bridge"),
        ("crossroad", "石桥路与西溪路交叉口", "Shiqiao Rd & Xixi Rd Crossroad"),
        ("school", "石桥中心小学校门", "Shiqiao Central Primary School Gate"),
        ("market", "石桥农贸市场", "Shiqiao Farmers' Market"),
        ("river", "西溪闸站", "Xixi Sluice Station"),
        ("village", "石门村村口", "Shimen Village Entrance"),
    ],
    "xintang": [
        ("crossroad", "新塘大道与镇中路交叉口", "Xintang Ave & Zhenzhong Rd Crossroad"),
        ("highway", "G320国道新塘段K149", "G320 National Road Xintang K149"),
        ("school", "新塘中学校门", "Xintang Middle School Gate"),
        ("market", "新塘农贸市场", "Xintang Farmers' Market"),
        ("village", "塘口村村口", "Tangkou Village Entrance"),
        ("station", "新塘公交枢纽站", "Xintang Bus Interchange"),
    ],
    "fenghuang": [
        ("highway", "S211省道凤凰段K8", "S211 Provincial Road Fenghuang K8"),
        ("school", "凤凰中心小学校门", "Fenghuang Central Primary School Gate"),
        ("market", "凤凰农贸市场", "Fenghuang Farmers' Market"),
        ("village", "凤凰村村口", "Fenghuang Village Entrance"),
        ("river", "凤凰水库溢洪道", "Fenghuang Reservoir Spillway"),
    ],
}


@dataclass(frozen=True)
class Department:
    name: str  # "{town}" is replaced by the town's name
    vendor: str  # hikvision | hikvision_old | dahua | uniview | hikvision_nvr
    user: str
    password_var: str
    subnet: int  # second octet of the department's camera LAN
    gb_industry: str | None  # GB/T 28181 industry code; None: not on the GB platform
    tags: tuple[str, ...]


_JIAOJING = ("公安局交警大队", "hikvision", "admin", "CAM_PASSWORD_JIAOJING", 21, "04")
_JIAOTONG = ("交通运输局", "uniview", "jtview", "CAM_PASSWORD_JIAOTONG", 27, "07")
DEPARTMENTS = {
    "crossroad": Department(*_JIAOJING, ("traffic",)),
    "road": Department(*_JIAOJING, ("traffic",)),
    "highway": Department(*_JIAOJING, ("traffic", "highway")),
    "hazchem_site": Department(
        "应急管理局", "dahua", "yjview", "CAM_PASSWORD_YINGJI", 22, "03", ("hazchem", "key_area")
    ),
    "square": Department(
        "城管局", "uniview", "admin", "CAM_PASSWORD_CHENGGUANJU", 23, None,
        ("crowd", "night_lighting"),
    ),
    "school": Department(
        "教育局", "hikvision_nvr", "admin", "CAM_PASSWORD_JIAOYU", 24, None, ("school",)
    ),
    "market": Department(
        "市场监管局", "dahua", "admin", "CAM_PASSWORD_SHICHANG", 25, None, ("market", "crowd")
    ),
    "river": Department(
        "水利局", "hikvision_old", "admin", "CAM_PASSWORD_SHUILI", 26, None, ("flood",)
    ),
    "bridge": Department(*_JIAOTONG, ("traffic", "bridge")),
    "station": Department(*_JIAOTONG, ("crowd", "key_area")),
    "village": Department(
        "{town}综治中心", "hikvision_nvr", "admin", "CAM_PASSWORD_ZONGZHI", 30, None,
        ("village", "night_lighting"),
    ),
}

LOCATION_SUFFIX = {
    "crossroad": "电警杆", "road": "路侧立杆", "highway": "（上行方向）",
    "hazchem_site": "（园区围墙内）", "square": "（中央灯杆）", "school": "（门卫室上方）",
    "market": "（东侧出入口）", "river": "（堤岸立杆）", "bridge": "（桥头立杆）",
    "station": "（进站口上方）", "village": "（村道入口）",
}
CORNERS = ("东北角", "西南角", "东南角", "西北角")
# The two bridge ends over the Qingjiang are watched from both banks.
BRIDGE_PARTNER = {"jiangbin": ("nanjiang",), "nanjiang": ("jiangbin",)}


def stream_urls(dept: Department, host: str, channel: int) -> dict[str, dict[str, object]]:
    auth = f"{dept.user}:${{{dept.password_var}}}@{host}:554"
    if dept.vendor == "hikvision":
        return {"main": {"url": f"rtsp://{auth}/Streaming/Channels/101"},
                "sub": {"url": f"rtsp://{auth}/Streaming/Channels/102"}}
    if dept.vendor == "hikvision_nvr":
        return {"main": {"url": f"rtsp://{auth}/Streaming/Channels/{channel}01"},
                "sub": {"url": f"rtsp://{auth}/Streaming/Channels/{channel}02"}}
    if dept.vendor == "hikvision_old":  # old encoders at water sites: one stream, UDP only
        return {"main": {"url": f"rtsp://{auth}/h264/ch1/main/av_stream", "transport": "udp"}}
    if dept.vendor == "dahua":
        base = f"rtsp://{auth}/cam/realmonitor?channel=1"
        return {"main": {"url": f"{base}&subtype=0"}, "sub": {"url": f"{base}&subtype=1"}}
    return {"main": {"url": f"rtsp://{auth}/unicast/c1/s0/live"},
            "sub": {"url": f"rtsp://{auth}/unicast/c1/s1/live"}}


def build() -> dict[str, object]:
    rng = random.Random(20240613)
    towns = {t.id: t for t in TOWNS}
    cameras: list[dict[str, object]] = []
    host_seq: dict[tuple[int, int], int] = {}
    for town_index, town in enumerate(TOWNS, start=1):
        for site_index, (area, name, name_en) in enumerate(SITES[town.id]):
            number = len(cameras) + 1
            dept = DEPARTMENTS[area]
            key = (dept.subnet, town_index)
            host_seq[key] = host_seq.get(key, 0) + 1
            if dept.vendor == "hikvision_nvr":  # one NVR per town and department, a channel each
                host, channel = f"10.{dept.subnet}.{town_index}.2", host_seq[key]
            else:
                host, channel = f"10.{dept.subnet}.{town_index}.{10 + host_seq[key]}", 1
            suffix = LOCATION_SUFFIX[area]
            if area == "crossroad":
                suffix = CORNERS[site_index % 4] + suffix
            streams = stream_urls(dept, host, channel)
            if area == "hazchem_site":  # safety rules: the full stream is recorded around the clock
                streams["main"]["always_on"] = True
            tags = list(dept.tags)
            if area == "crossroad" and site_index == 0:
                tags.append("key_area")
            shared: tuple[str, ...] = ()
            if area == "hazchem_site":
                shared = town.neighbours
            elif area == "highway":
                shared = town.neighbours[:2]
            elif area == "bridge":
                shared = BRIDGE_PARTNER.get(town.id, ())
            camera: dict[str, object] = {
                "id": f"cam{number:03d}",
                "name": name,
                "name_en": name_en,
                "town": town.id,
                "department": dept.name.format(town=town.name),
                "location": f"临江区{town.name}{name}{suffix}",
                "area_type": area,
                "coordinates": {
                    "lat": round(town.lat + rng.uniform(-0.018, 0.018), 6),
                    "lon": round(town.lon + rng.uniform(-0.022, 0.022), 6),
                },
                "streams": streams,
                "tags": tags,
            }
            if shared:
                camera["shared_with"] = [towns[s].id for s in shared]
            if dept.gb_industry is not None:
                camera["gb_id"] = f"{GB_CENTRE}{dept.gb_industry}132{number:07d}"
            cameras.append(camera)
    return {
        "district": "临江区",
        "district_en": "Linjiang District",
        "gateway": {
            "host": "0.0.0.0",
            "port": 8080,
            "database_url": "postgresql+psycopg://vgateway:${VGW_DB_PASSWORD}@10.20.0.10:5432/vgateway",
            "redis_url": "redis://10.20.0.11:6379/0",
            "log_level": "INFO",
            "data_dir": "/var/lib/vgateway",
        },
        "ingest": {
            "transport": "tcp", "connect_timeout_s": 5.0, "read_timeout_s": 5.0,
            "stall_timeout_s": 5.0, "backoff_initial_s": 0.5, "backoff_max_s": 10.0,
            "backoff_jitter": 0.2, "read_pacing_frames": 2, "subscriber_queue_packets": 250,
            "on_demand_idle_s": 30.0,
        },
        "towns": [
            {"id": t.id, "name": t.name, "name_en": t.name_en, "kind": t.kind} for t in TOWNS
        ],
        "cameras": cameras,
    }


def scalar(value: object, *, flow: bool = False) -> str:
    """Plain YAML where that reads back unchanged, else a JSON (= YAML double-quoted) string."""
    if not isinstance(value, str):
        return json.dumps(value)
    special = ",[]{}#&*!|>%@`" if flow else "#"
    clean = not any(c in value for c in special) and ": " not in value
    if clean and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)


def flow_map(mapping: dict[str, object]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in mapping.items()) + "}"


def emit(data: dict[str, object]) -> str:
    out = [
        "# 临江区视频监控网络 — Linjiang District camera network (fictional).",
        "# GENERATED by camera_configs/tools/generate_district.py: edit that, not this file.",
        "# Passwords are ${VARIABLES}: see camera_configs/secrets.env.example.",
        "",
        f"district: {scalar(data['district'])}",
        f"district_en: {scalar(data['district_en'])}",
        "",
    ]
    for section in ("gateway", "ingest"):
        out.append(f"{section}:")
        values = data[section]
        assert isinstance(values, dict)
        out += [f"  {k}: {scalar(v)}" for k, v in values.items()]
        out.append("")
    out.append("towns:")
    towns = data["towns"]
    assert isinstance(towns, list)
    out += [f"  - {flow_map(t)}" for t in towns]
    out += ["", "cameras:"]
    cameras = data["cameras"]
    assert isinstance(cameras, list)
    previous_town = None
    for cam in cameras:
        if cam["town"] != previous_town:
            town = next(t for t in towns if t["id"] == cam["town"])
            out += ["", f"  # ---- {town['name']} {town['name_en']} ----"]
            previous_town = cam["town"]
        out.append(f"  - id: {cam['id']}")
        for key in ("name", "name_en", "town", "department", "location", "area_type"):
            out.append(f"    {key}: {scalar(cam[key])}")
        out.append(f"    coordinates: {flow_map(cam['coordinates'])}")
        out.append("    streams:")
        out += [f"      {role}: {flow_map(s)}" for role, s in cam["streams"].items()]
        out.append(f"    tags: [{', '.join(cam['tags'])}]")
        if "shared_with" in cam:
            out.append(f"    shared_with: [{', '.join(cam['shared_with'])}]")
        if "gb_id" in cam:
            out.append(f"    gb_id: {json.dumps(cam['gb_id'])}")
    return "\n".join(out) + "\n"


def main() -> None:
    data = build()
    text = emit(data)
    if yaml.safe_load(text) != data:  # the hand-written emitter must round-trip exactly
        raise SystemExit("emitted YAML does not read back as the generated data")
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(data['cameras'])} cameras)")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
