"""Folder names: Odoo-like name templates and folder-name sanitising.

A name template is literal text with `{{ expression }}` parts. Each expression is a Python
expression over `object` (the record), checked against an AST whitelist and compiled once, in
`NameTemplate.parse`, into plain closures: user text is never given to `eval` or `compile`.
`object.a.b` is one field path, read as `values["a.b"]` (never real attribute access); a missing
or None value reads as False, as Odoo records read empty fields, and a Decimal reads as a float,
as Odoo's float and monetary fields do. Everything else follows Python's semantics (`a and b or
c` returns operands and short-circuits). Work is bounded: the template is at most 2,000
characters, each expression at most 200 AST nodes (as counted by `ast.walk`), and each string
made by `+`, a method or `str()` at most 10,000 characters (also: strftime formats at most 50
characters, `round()` at most 100 digits either way).
"""

from __future__ import annotations

import ast
import io
import operator
import re
import tokenize
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from archivist.sources.errors import TemplateError

FORBIDDEN_CHARACTERS = "*?\"':<>/+%!@\\"
MAX_NAME_LENGTH = 100
MAX_TEMPLATE_LENGTH = 2_000
MAX_EXPRESSION_NODES = 200
MAX_STRING_LENGTH = 10_000
MAX_STRFTIME_FORMAT_LENGTH = 50
MAX_ROUND_DIGITS = 100

_Eval = Callable[[Mapping[str, object]], object]
_EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
# Unicode category Cc is exactly U+0000–U+001F and U+007F–U+009F: one translate() does it all.
_CONTROL_CHARACTERS = [chr(code) for code in (*range(0x20), *range(0x7F, 0xA0))]
_FORBIDDEN_TO_DASH = str.maketrans(
    {**dict.fromkeys(_CONTROL_CHARACTERS, " "), **dict.fromkeys(FORBIDDEN_CHARACTERS, "-")}
)


def sanitize_folder_name(name: str, max_length: int = MAX_NAME_LENGTH) -> str:
    """Return `name` made safe as a folder name; the result may be empty.

    Each of * ? " ' : < > / + % ! @ \\ becomes '-'; control characters (Unicode category Cc,
    which includes newlines and tabs) become a space; runs of whitespace collapse to one space;
    leading and trailing whitespace is stripped; the result is cut to at most `max_length`
    (>= 1) characters and stripped again. The function is idempotent.
    """
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, not {max_length}")
    text = name.translate(_FORBIDDEN_TO_DASH)
    return " ".join(text.split())[:max_length].strip()


def render_value(value: object) -> str:
    """The text of an expression's result, as Odoo renders it.

    None and False -> "False"; True -> "True"; Decimal -> as float ("28700.0"); date ->
    "2021-07-12"; datetime -> "2021-07-12 10:00:00" (microseconds only when non-zero); bytes,
    bytearray and memoryview -> "<binary>"; anything else -> `str(value)`.
    """
    if value is None or value is False:
        return "False"
    if value is True:
        return "True"
    if isinstance(value, Decimal):
        return str(float(value))
    if isinstance(value, bytes | bytearray | memoryview):
        return "<binary>"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Refused(Exception):
    """A construct the sandbox does not allow (raised while compiling)."""


class _EvalError(Exception):
    """A sandbox limit hit while evaluating."""


_RUNTIME_ERRORS = (_EvalError, ArithmeticError, LookupError, TypeError, ValueError, AttributeError)


def _capped(result: object) -> object:
    if isinstance(result, str | bytes | list | tuple) and len(result) > MAX_STRING_LENGTH:
        raise _EvalError(f"a result is longer than {MAX_STRING_LENGTH:,} characters")
    return result


def _to_str(value: object) -> object:
    return _capped(str(value))


def _round(number: Any, ndigits: object = None) -> object:
    """`round`, refusing the huge `ndigits` that make int rounding compute 10 ** -ndigits."""
    if isinstance(ndigits, int) and abs(ndigits) > MAX_ROUND_DIGITS:
        raise _EvalError(f"round() takes at most {MAX_ROUND_DIGITS} digits")
    return round(number, ndigits)  # type: ignore[call-overload]


# Callables and methods with the (least, most) number of positional arguments they take.
_BUILTINS: dict[str, tuple[Callable[..., object], int, int]] = {
    "str": (_to_str, 1, 1), "int": (int, 1, 1), "float": (float, 1, 1), "len": (len, 1, 1),
    "round": (_round, 1, 2), "abs": (abs, 1, 1),
}  # fmt: skip
_STR_METHODS: dict[str, tuple[int, int]] = {
    "upper": (0, 0), "lower": (0, 0), "title": (0, 0), "capitalize": (0, 0), "strip": (0, 1),
    "lstrip": (0, 1), "rstrip": (0, 1), "replace": (2, 3), "zfill": (1, 1),
}  # fmt: skip
_DATE_METHODS: dict[str, tuple[int, int]] = {"strftime": (1, 1), "isoformat": (0, 1)}
_METHODS = _STR_METHODS | _DATE_METHODS


def _call_method(receiver: object, name: str, args: list[object]) -> object:
    """Call whitelisted method `name` through the base type, so subclasses cannot override it."""
    if isinstance(receiver, str) and name in _STR_METHODS:
        if name == "replace" and isinstance(args[0], str) and isinstance(args[1], str):
            count = receiver.count(args[0])
            if len(args) == 3 and isinstance(args[2], int) and args[2] >= 0:
                count = min(count, args[2])
            if len(receiver) + count * (len(args[1]) - len(args[0])) > MAX_STRING_LENGTH:
                raise _EvalError(f"replace() would exceed {MAX_STRING_LENGTH:,} characters")
        if name == "zfill" and isinstance(args[0], int) and args[0] > MAX_STRING_LENGTH:
            raise _EvalError(f"zfill() would exceed {MAX_STRING_LENGTH:,} characters")
        return _capped(getattr(str, name)(receiver, *args))
    if isinstance(receiver, date) and name in _DATE_METHODS:
        form = args[0] if name == "strftime" else ""
        if isinstance(form, str) and len(form) > MAX_STRFTIME_FORMAT_LENGTH:
            raise _EvalError(f"strftime format over {MAX_STRFTIME_FORMAT_LENGTH} characters")
        base = datetime if isinstance(receiver, datetime) else date
        return _capped(getattr(base, name)(receiver, *args))
    shown = _show(repr(receiver))
    raise _EvalError(f"method {name}() is not available on {type(receiver).__name__} {shown}")


_COMPARISONS: dict[type[ast.cmpop], Callable[[Any, Any], object]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda left, right: left in right, ast.NotIn: lambda left, right: left not in right,
}  # fmt: skip
_UNARY: dict[type[ast.unaryop], Callable[[Any], object]] = {
    ast.Not: operator.not_, ast.USub: operator.neg, ast.UAdd: operator.pos,
}  # fmt: skip
_OPERATOR_SYMBOLS: dict[type[ast.AST], str] = {
    ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**",
    ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^",
    ast.BitAnd: "&", ast.Invert: "~",
}  # fmt: skip
_CONSTRUCTS: dict[type[ast.AST], str] = {
    ast.Lambda: "lambda", ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension", ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "an f-string", ast.NamedExpr: "the walrus operator (:=)",
    ast.Starred: "unpacking with *", ast.Dict: "a dict display", ast.Set: "a set display",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "a bare slice",
}  # fmt: skip


def _item(container: Any, key: object) -> object:
    return container[key]


def _constant(value: object) -> _Eval:
    return lambda values: value


def _reader(path: str) -> _Eval:
    def read(values: Mapping[str, object]) -> object:
        value = values.get(path)
        if value is None:
            return False
        return float(value) if isinstance(value, Decimal) else value

    return read


def _check_arity(what: str, given: int, low: int, high: int) -> None:
    if not low <= given <= high:
        expected = str(low) if low == high else f"{low} to {high}"
        raise _Refused(f"{what} takes {expected} argument(s), {given} given")


class _Compiler:
    """Turns one whitelisted expression AST into a closure; collects the field paths it reads."""

    def __init__(self) -> None:
        self.paths: list[tuple[int, int, str]] = []  # (line, column, path)

    def compile(self, node: ast.expr) -> _Eval:
        if isinstance(node, ast.Constant):
            if node.value is None or isinstance(node.value, bool | int | float | str):
                return _constant(node.value)
            raise _Refused(f"a {type(node.value).__name__} constant is not allowed")
        if isinstance(node, ast.Name):
            if node.id == "object":
                raise _Refused("`object` alone has no value: use a field, as in object.name")
            raise _Refused(f"unknown name {node.id!r}: only `object` is available")
        if isinstance(node, ast.Attribute):
            return _reader(self._path(node))
        if isinstance(node, ast.Tuple | ast.List):
            items = [self.compile(item) for item in node.elts]
            kind = tuple if isinstance(node, ast.Tuple) else list
            return lambda values: kind(item(values) for item in items)
        if isinstance(node, ast.BoolOp):
            return self._bool_op(node)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            operand, function = self.compile(node.operand), _UNARY[type(node.op)]
            return lambda values: function(operand(values))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            left, right = self.compile(node.left), self.compile(node.right)
            binary = operator.add if isinstance(node.op, ast.Add) else operator.sub
            return lambda values: _capped(binary(left(values), right(values)))
        if isinstance(node, ast.BinOp | ast.UnaryOp):
            raise _Refused(f"operator {_OPERATOR_SYMBOLS[type(node.op)]!r} is not allowed")
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.IfExp):
            test, body, orelse = (self.compile(n) for n in (node.test, node.body, node.orelse))
            return lambda values: body(values) if test(values) else orelse(values)
        if isinstance(node, ast.Subscript):
            return self._subscript(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        what = _CONSTRUCTS.get(type(node), type(node).__name__)
        raise _Refused(f"{what} is not allowed")

    def _path(self, node: ast.Attribute) -> str:
        parts: list[str] = []
        current: ast.expr = node
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        if not (isinstance(current, ast.Name) and current.id == "object"):
            raise _Refused("attribute access is only allowed on `object` field paths")
        path = ".".join(reversed(parts))
        if any(part.startswith("_") for part in parts):
            raise _Refused(f"field path {path!r} has a part starting with '_'")
        self.paths.append((node.lineno, node.col_offset, path))
        return path

    def _bool_op(self, node: ast.BoolOp) -> _Eval:
        operands = [self.compile(value) for value in node.values]
        stop_when = isinstance(node.op, ast.Or)  # `or` stops at a truthy operand, `and` at falsy

        def evaluate(values: Mapping[str, object]) -> object:
            result: object = None
            for operand in operands:
                result = operand(values)
                if bool(result) is stop_when:
                    return result
            return result

        return evaluate

    def _compare(self, node: ast.Compare) -> _Eval:
        first = self.compile(node.left)
        pairs = zip(node.ops, node.comparators, strict=True)
        steps = [(_COMPARISONS[type(op)], self.compile(comparator)) for op, comparator in pairs]

        def evaluate(values: Mapping[str, object]) -> object:
            left, result = first(values), None
            for compare, comparator in steps:
                right = comparator(values)
                result = compare(left, right)
                if not result:
                    return result
                left = right
            return result

        return evaluate

    def _subscript(self, node: ast.Subscript) -> _Eval:
        value = self.compile(node.value)
        if not isinstance(node.slice, ast.Slice):
            index = self.compile(node.slice)
            return lambda values: _item(value(values), index(values))
        bounds = [
            _constant(None) if bound is None else self.compile(bound)
            for bound in (node.slice.lower, node.slice.upper, node.slice.step)
        ]
        return lambda values: _item(value(values), slice(*(bound(values) for bound in bounds)))

    def _call(self, node: ast.Call) -> _Eval:
        if node.keywords:
            raise _Refused("keyword arguments are not allowed")
        func = node.func
        if isinstance(func, ast.Name) and func.id in _BUILTINS:
            args = [self.compile(arg) for arg in node.args]
            function, low, high = _BUILTINS[func.id]
            _check_arity(f"{func.id}()", len(args), low, high)
            return lambda values: function(*(arg(values) for arg in args))
        if isinstance(func, ast.Attribute) and func.attr in _METHODS:
            name, receiver = func.attr, self.compile(func.value)
            args = [self.compile(arg) for arg in node.args]
            _check_arity(f"{name}()", len(args), *_METHODS[name])
            return lambda values: _call_method(receiver(values), name, [a(values) for a in args])
        if isinstance(func, ast.Attribute):
            allowed = ", ".join(sorted(_METHODS))
            raise _Refused(f"method {func.attr}() is not allowed (allowed: {allowed})")
        if not isinstance(func, ast.Name):
            self.compile(func)  # names the forbidden construct, if any
        allowed = ", ".join(f"{name}()" for name in _BUILTINS)
        callee = func.id if isinstance(func, ast.Name) else ast.unparse(func)
        raise _Refused(f"calling {callee!r} is not allowed (only {allowed} can be called)")


def _brackets_balanced(source: str) -> bool:
    """Whether the brackets of `source` pair up, so wrapping it in parentheses changes nothing."""
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.OP and token.string in {"(", "[", "{"}:
                depth += 1
            elif token.type == tokenize.OP and token.string in {")", "]", "}"}:
                depth -= 1
                if depth < 0:
                    return False
    except (tokenize.TokenError, SyntaxError):
        return False
    return depth == 0


def _parse_python(source: str) -> ast.expr:
    with warnings.catch_warnings():  # e.g. invalid escape sequences in string literals
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source, mode="eval").body
        except (RecursionError, MemoryError, ValueError) as exc:
            raise SyntaxError("expression is too complex") from exc


def _parse_expression(source: str) -> ast.expr:
    """Parse one expression; a multi-line one is parsed as if in parentheses (implicit joining)."""
    try:
        return _parse_python(source)
    except SyntaxError:
        if ("\n" not in source and "\r" not in source) or not _brackets_balanced(source):
            raise
    return _parse_python(f"(\n{source}\n)")


def _show(source: str) -> str:
    shown = " ".join(source.split())
    return shown if len(shown) <= 80 else shown[:79] + "…"


@dataclass(frozen=True)
class _Expression:
    number: int  # 1-based position among the template's expressions
    source: str
    evaluate: _Eval

    def render(self, values: Mapping[str, object]) -> str:
        try:
            return render_value(self.evaluate(values))
        except _RUNTIME_ERRORS as exc:
            problem = str(exc) if isinstance(exc, _EvalError) else f"{type(exc).__name__}: {exc}"
            raise TemplateError(
                f'name template: expression {self.number} "{_show(self.source)}" failed: {problem}'
            ) from exc


def _compile_expression(number: int, source: str, paths: list[str]) -> _Expression:
    """Parse and compile one expression, appending the field paths it reads to `paths`."""
    where = f'name template: expression {number} "{_show(source)}"'
    source = source.strip()
    if not source:
        raise TemplateError(f"{where} is empty")
    try:
        tree = _parse_expression(source)
    except SyntaxError as exc:
        raise TemplateError(f"{where} is not valid Python: {exc.msg}") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_EXPRESSION_NODES:
        raise TemplateError(f"{where} is too long: over {MAX_EXPRESSION_NODES} syntax nodes")
    compiler = _Compiler()
    try:
        evaluate = compiler.compile(tree)
    except _Refused as exc:
        raise TemplateError(f"{where} is rejected: {exc}") from None
    for *_, path in sorted(compiler.paths):
        if path not in paths:
            paths.append(path)
    return _Expression(number, source, evaluate)


@dataclass(frozen=True)
class NameTemplate:
    """A parsed name template; build it with `NameTemplate.parse`.

    `text` is the source text; `paths` the dotted field paths (relative to `object`) its
    expressions read, unique, in order of first use. Equal texts give equal templates.
    """

    text: str
    paths: tuple[str, ...]
    _parts: tuple[str | _Expression, ...] = field(repr=False, compare=False)

    @classmethod
    def parse(cls, text: str) -> NameTemplate:
        """Parse and compile `text`; raises TemplateError naming the problem and expression.

        Outside `{{ … }}` everything is literal; an expression ends at the first `}}`. An
        unclosed `{{`, a stray `}}`, an empty or invalid expression, a forbidden construct or an
        over-long template or expression is an error. There is no escape for literal braces.
        """
        if len(text) > MAX_TEMPLATE_LENGTH:
            raise TemplateError(
                f"name template is {len(text):,} characters long; the limit is "
                f"{MAX_TEMPLATE_LENGTH:,}"
            )
        parts: list[str | _Expression] = []
        paths: list[str] = []
        # Literal, expression, literal, …, literal. A literal holding "{{" has no "}}" after it.
        for index, piece in enumerate(_EXPRESSION.split(text)):
            number = index // 2 + 1
            if index % 2:
                parts.append(_compile_expression(number, piece, paths))
            elif "}}" in piece:
                raise TemplateError(f'name template: "}}}}" without "{{{{" in "{_show(piece)}"')
            elif "{{" in piece:
                source = _show(piece[piece.index("{{") + 2 :])
                raise TemplateError(f'name template: expression {number} "{source}" lacks "}}}}"')
            elif piece:
                parts.append(piece)
        return cls(text, tuple(paths), tuple(parts))

    def render(self, values: Mapping[str, object]) -> str:
        """The raw (unsanitised) text for a record whose field values are keyed by path.

        A missing key or None reads as False. Raises TemplateError naming the expression when
        evaluating it fails (a TypeError, a bad strftime format, an index error, a limit…).
        """
        return "".join(
            part if isinstance(part, str) else part.render(values) for part in self._parts
        )
