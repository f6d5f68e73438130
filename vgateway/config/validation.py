"""Turn pydantic's validation errors into ConfigIssues pointing at the YAML that caused them."""

from __future__ import annotations

import difflib
import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from vgateway.config.errors import ConfigIssue, FieldPath
from vgateway.config.resolve import DIRECTIVES
from vgateway.config.yamlsource import SourceTree

# Pydantic's wording for a few common errors, restated for people editing YAML.
_MESSAGES = {
    "model_type": "expected a mapping (key: value lines)",
    "model_attributes_type": "expected a mapping (key: value lines)",
    "dict_type": "expected a mapping (key: value lines)",
    "tuple_type": "expected a list",
    "list_type": "expected a list",
}


def validation_issues(
    exc: ValidationError, tree: SourceTree, root: type[BaseModel]
) -> list[ConfigIssue]:
    """One issue per error; values are never quoted (they may be substituted secrets)."""
    issues = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        loc: FieldPath = tuple(error["loc"])
        kind = error["type"]
        if loc and loc[-1] == "[key]":
            issues.append(tree.issue(loc[:-1], f"invalid key: {_message(error)}", key=True))
        elif kind == "extra_forbidden":
            issues.append(tree.issue(loc, _unknown_key(root, loc), key=True))
        elif kind == "missing":
            # The key is absent, so the mapping that should hold it is the best place to point at.
            issues.append(tree.issue(loc, f"required key '{loc[-1]}' is missing"))
        else:
            issues.append(tree.issue(loc, _message(error)))
    return issues


def _message(error: Any) -> str:
    text = _MESSAGES.get(error["type"], str(error["msg"]))
    text = text.removeprefix("Value error, ")
    if text.startswith("Input should be"):
        text = "must be" + text.removeprefix("Input should be")
    return text


def _unknown_key(root: type[BaseModel], loc: FieldPath) -> str:
    allowed = _allowed_keys(root, loc[:-1])
    if len(loc) == 1:
        allowed += DIRECTIVES
    message = f"unknown key '{loc[-1]}'"
    if allowed:
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        message += f" ({hint}allowed: {', '.join(allowed)})"
    return message


def _allowed_keys(root: type[BaseModel], path: FieldPath) -> list[str]:
    """Field names of the model found by following `path` through the annotations."""
    annotation: Any = root
    for part in path:
        annotation = _unwrap_optional(annotation)
        origin = get_origin(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        elif origin in (tuple, list):
            annotation = get_args(annotation)[0]
        elif origin is dict:
            annotation = get_args(annotation)[1]
        else:
            return []
    annotation = _unwrap_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(options) == 1:
            return options[0]
    return annotation
