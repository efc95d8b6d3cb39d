"""Request parameters: each endpoint's table of what it takes, with bounds.

One table per endpoint serves three purposes: it parses and checks a
request's query string (anything not in the table is refused, so no request
can name a path or an option the server does not offer), it tells which
Engine keywords a request sets, and it describes the endpoint in
``/openapi.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off", "")


class BadParameter(ValueError):
    """A request's parameter is unknown, missing, malformed or out of bounds."""


@dataclass(frozen=True)
class Param:
    """One query-string parameter.

    ``kind`` is ``str``, ``int`` or ``bool``; ``low``/``high`` bound an int,
    ``max_chars`` a string; ``choices`` lists the allowed strings.
    ``keyword`` is the Engine keyword it sets (default: its own name; None
    for one the route reads itself).
    """

    name: str
    kind: type
    help: str
    default: object = None
    required: bool = False
    low: Optional[int] = None
    high: Optional[int] = None
    max_chars: int = 200
    choices: tuple[str, ...] = ()
    keyword: Optional[str] = ""

    @property
    def sets(self) -> Optional[str]:
        return self.name if self.keyword == "" else self.keyword

    def parse(self, raw: str) -> object:
        if self.kind is bool:
            if raw.lower() not in TRUE + FALSE:
                raise BadParameter(f"{self.name} must be true or false, not {raw[:20]!r}")
            return raw.lower() in TRUE
        if self.kind is int:
            try:
                value = int(raw)
            except ValueError:
                raise BadParameter(f"{self.name} must be a whole number, not {raw[:20]!r}") from None
            if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
                raise BadParameter(f"{self.name} must be between {self.low} and {self.high}")
            return value
        if len(raw) > self.max_chars:
            raise BadParameter(f"{self.name} is longer than {self.max_chars} characters")
        if self.choices and raw not in self.choices:
            raise BadParameter(f"{self.name} must be one of {', '.join(self.choices)}")
        return raw

    def schema(self) -> dict:
        """This parameter as an OpenAPI parameter object."""
        schema: dict = {"type": {bool: "boolean", int: "integer", str: "string"}[self.kind]}
        if self.kind is int:
            schema.update({k: v for k, v in (("minimum", self.low), ("maximum", self.high)) if v is not None})
        elif self.kind is str:
            schema["maxLength"] = self.max_chars
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.default is not None:
            schema["default"] = self.default
        return {"name": self.name, "in": "query", "required": self.required,
                "description": self.help, "schema": schema}


def parse(params: tuple[Param, ...], given: Mapping[str, str]) -> dict[str, object]:
    """The values of ``given`` (a query string), checked against ``params``;
    defaults fill what is not given, None stands for no value."""
    known = {p.name: p for p in params}
    unknown = [name for name in given if name not in known]
    if unknown:
        raise BadParameter(f"unknown parameter {unknown[0][:40]!r}; this endpoint takes "
                           f"{', '.join(known) or 'none'}")
    values: dict[str, object] = {}
    for p in params:
        raw = given.get(p.name)
        if raw is None or (raw == "" and p.kind is not bool):
            if p.required:
                raise BadParameter(f"{p.name} is required")
            values[p.name] = p.default
        else:
            values[p.name] = p.parse(raw)
    return values


def keywords(params: tuple[Param, ...], values: dict[str, object]) -> dict[str, object]:
    """The Engine keywords that ``values`` give a value."""
    return {p.sets: values[p.name] for p in params if p.sets and values[p.name] is not None}
