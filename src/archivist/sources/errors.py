"""Errors of record sources, each naming what is wrong and where.

SourceError
├── SourceUnavailable   the database cannot be reached or read
├── UnknownModel        no such table (also a KeyError)
├── FieldPathError      a dotted field path does not resolve (names path and problem)
├── DomainError         a malformed filter (names its position and problem)
├── PeriodError         a malformed period line
└── TemplateError       a name template that cannot be parsed or uses forbidden syntax
"""

from __future__ import annotations


class SourceError(Exception):
    """Base of every record-source error; `str()` is a sentence a person can act on."""


class SourceUnavailable(SourceError):
    pass


class UnknownModel(SourceError, KeyError):
    """Also a KeyError, as a Mapping's missing key must be (so `name in schema` works)."""

    def __init__(self, model: str, source: str = "") -> None:
        where = f" in source {source!r}" if source else ""
        super().__init__(f"unknown model {model!r}{where}")
        self.model = model

    def __str__(self) -> str:
        return Exception.__str__(self)  # the sentence, not KeyError's quoted repr


class FieldPathError(SourceError):
    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class DomainError(SourceError):
    """`location` says where in the domain (`domain[2]`), `problem` what is wrong."""

    def __init__(self, location: str, problem: str) -> None:
        super().__init__(f"{location}: {problem}")
        self.location = location
        self.problem = problem


class PeriodError(SourceError):
    pass


class TemplateError(SourceError):
    pass
