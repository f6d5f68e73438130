"""Detector registry: `type` name -> factory that validates options and builds a detector."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from .base import Detector, DetectorConfigError


@dataclass(frozen=True)
class Factory:
    """How to build one detector type: its pydantic options model and a builder taking them."""

    options: type[BaseModel]
    build: Callable[[Any], Detector]


def _builtin_factories() -> Mapping[str, Factory]:
    # Imported here so that `import detectors.registry` stays cheap and cycle-free.
    from . import motion, plates, ultralytics_backend, yolox

    return MappingProxyType(
        {
            "yolox": yolox.FACTORY,
            "ultralytics": ultralytics_backend.FACTORY,
            "plates": plates.FACTORY,
            "motion": motion.FACTORY,
        }
    )


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(options)"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


class Registry:
    """Maps detector type names to factories. Each instance owns its own table."""

    def __init__(self, factories: Mapping[str, Factory] | None = None) -> None:
        self._factories: dict[str, Factory] = dict(factories or {})

    def register(self, type: str, factory: Factory) -> None:
        """Add a detector type; registering a name twice is a configuration error."""
        if type in self._factories:
            raise DetectorConfigError(f"detector type {type!r} is already registered")
        self._factories[type] = factory

    def types(self) -> list[str]:
        return sorted(self._factories)

    def __contains__(self, type: object) -> bool:
        return type in self._factories

    def __iter__(self) -> Iterator[str]:
        return iter(self.types())

    def _factory(self, type: str) -> Factory:
        try:
            return self._factories[type]
        except KeyError:
            known = ", ".join(self.types()) or "none"
            raise DetectorConfigError(
                f"unknown detector type {type!r} (known types: {known})"
            ) from None

    def validate(self, type: str, options: Mapping[str, object]) -> BaseModel:
        """Check options for `type` without building anything (no model files are opened)."""
        factory = self._factory(type)
        try:
            return factory.options.model_validate(dict(options))
        except ValidationError as exc:
            raise DetectorConfigError(
                f"invalid options for detector {type!r}: {_describe(exc)}"
            ) from None

    def create(self, type: str, **options: object) -> Detector:
        """Validate options and build a new detector instance of `type`."""
        validated = self.validate(type, options)
        return self._factory(type).build(validated)


def default_registry() -> Registry:
    """A new Registry holding the built-in detector types."""
    return Registry(_builtin_factories())
