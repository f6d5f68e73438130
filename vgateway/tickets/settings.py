"""The `tickets:` settings: numbering, deadlines, which detections make tickets, evidence holds,
and the 12345 link. Like recording's, read from the config section once the lead adds it."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, Field, model_validator

from vgateway.config.types import STRICT_MODEL
from vgateway.tickets.hotline.settings import HotlineSettings
from vgateway.tickets.model import PRIORITIES, Priority

# Default category (工单类别) of a ticket made by each kind of detection rule.
RULE_TYPE_CATEGORIES: dict[str, str] = {
    "stopped_vehicle": "违法停车",
    "designated_vehicle": "违规车辆通行",
    "plate_watch": "布控车辆",
    "person_in_zone": "人员闯入",
    "wrong_way": "车辆逆行",
    "static_object": "道路遗撒障碍",
    "streetlight_out": "路灯故障",
    "tamper": "摄像机故障",
}


class RuleTicketing(BaseModel):
    """Override for one rule id or rule type; unset fields inherit."""

    model_config = STRICT_MODEL

    create: bool | None = Field(default=None, description="Make tickets for it (or never).")
    category: str | None = Field(default=None, description="Ticket category.")
    priority: Priority | None = Field(default=None, description="Ticket priority.")
    department: str | None = Field(default=None, description="Department to assign at once.")


class EventTicketing(BaseModel):
    """Which detection events become tickets, and how repeats are folded into one ticket."""

    model_config = STRICT_MODEL

    enabled: bool = Field(default=True, description="Turn event tickets off entirely.")
    min_priority: Priority = Field(
        default="high",
        description="Events of this priority or higher make tickets; 'high' keeps routine "
        "detections on the wall without flooding the work-order queue.",
    )
    dedup_window_s: float = Field(
        default=1800,
        gt=0,
        description="A new event of the same camera and rule within this long of the last one "
        "linked to an open ticket is added to that ticket instead of making another.",
    )
    clip: bool = Field(default=True, description="Make the event clip and link it.")
    pre_roll_s: float | None = Field(
        default=None, ge=0, le=120, description="Clip pre-roll; None: the camera's recording one."
    )
    post_roll_s: float | None = Field(
        default=None, ge=0, le=600, description="Clip post-roll; None: the camera's."
    )
    rule_types: dict[str, RuleTicketing] = Field(
        default_factory=dict, description="Overrides by rule type (stopped_vehicle, ...)."
    )
    rules: dict[str, RuleTicketing] = Field(
        default_factory=dict,
        description="Overrides by rule id, or 'camera/rule' for one camera's rule (wins).",
    )


DEFAULT_DEADLINES: dict[Priority, float] = {
    "critical": 2.0,
    "high": 4.0,
    "normal": 24.0,
    "low": 72.0,
}


class TicketSettings(BaseModel):
    model_config = STRICT_MODEL

    number_prefix: str = Field(
        default="GD", pattern=r"^[A-Z]{1,6}$", description="Ticket numbers: GD-20261126-0001."
    )
    case_prefix: str = Field(
        default="AJ", pattern=r"^[A-Z]{1,6}$", description="Case numbers: AJ-20261126-0001."
    )
    timezone: str = Field(
        default="Asia/Shanghai", description="Local time zone of ticket-number dates."
    )
    deadline_hours: dict[Priority, float] = Field(
        default_factory=lambda: dict(DEFAULT_DEADLINES),
        description="Time to resolve, by priority, when a ticket is created without a deadline.",
    )
    events: EventTicketing = Field(default_factory=EventTicketing)
    hold_after_close_days: float = Field(
        default=90,
        gt=0,
        description="Footage of a ticket (or case) stays protected from retention this long "
        "after it is closed.",
    )
    live_max_seconds: float = Field(
        default=120, gt=0, le=300, description="Longest 'record this' look-back from the wall."
    )
    export_dir: str = Field(
        default="exports", description="Case ZIPs are prepared here, under gateway.data_dir."
    )
    export_keep_s: float = Field(
        default=3600, gt=0, description="A prepared case ZIP is deleted this long after."
    )
    hotline: HotlineSettings = Field(default_factory=HotlineSettings)

    @model_validator(mode="after")
    def _complete(self) -> Self:
        missing = [p for p in PRIORITIES if p not in self.deadline_hours]
        if missing:
            raise ValueError(f"deadline_hours: missing {', '.join(missing)}")
        hotline = self.hotline
        if hotline.outbound_url and hotline.outbound_secret is None:
            raise ValueError("hotline.outbound_secret: required when outbound_url is set")
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(self.timezone)
        except Exception:
            raise ValueError(f"timezone: unknown time zone {self.timezone!r}") from None
        return self

    def rule_ticketing(self, camera_id: str, rule_id: str, rule_type: str) -> RuleTicketing:
        """The effective ticketing of one rule: camera/rule, then rule id, then rule type."""
        layers = [
            self.events.rules.get(f"{camera_id}/{rule_id}"),
            self.events.rules.get(rule_id),
            self.events.rule_types.get(rule_type),
        ]
        found = [layer for layer in layers if layer is not None]

        def first(name: str) -> object:
            return next((getattr(x, name) for x in found if getattr(x, name) is not None), None)

        category = first("category") or RULE_TYPE_CATEGORIES.get(rule_type, "视频巡查发现")
        return RuleTicketing(
            create=first("create"),  # type: ignore[arg-type]
            category=str(category),
            priority=first("priority"),  # type: ignore[arg-type]
            department=first("department"),  # type: ignore[arg-type]
        )
