"""A tiny expression language for item scores.

Every rule type states its score once, as an expression tree over its input
fields. The engine evaluates the tree with exact Decimals; the template writer
renders the same tree as a spreadsheet formula (functions that Excel 2010+, WPS
and LibreOffice evaluate alike: IF, AND, MIN, MAX, N, ISNUMBER); the xlwings
functions evaluate it too. So a rule's meaning cannot drift between the three.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from qwb.numtext import literal

Value = Decimal | str | None


class Expr:
    def evaluate(self, env: Mapping[str, Value]) -> Value:
        raise NotImplementedError

    def formula(self, ref: Callable[[str], str]) -> str:
        raise NotImplementedError

    def fields(self) -> set[str]:
        return set()

    def compile(self) -> Callable[[Mapping[str, Value]], Value]:
        """The same expression as a Python closure: evaluate() without walking the tree each time."""
        return self.evaluate


@dataclass(frozen=True)
class Num(Expr):
    value: Decimal

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        return self.value

    def compile(self) -> Callable[[Mapping[str, Value]], Value]:
        value = self.value
        return lambda env: value

    def formula(self, ref: Callable[[str], str]) -> str:
        return literal(self.value)


@dataclass(frozen=True)
class Text(Expr):
    value: str

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        return self.value

    def formula(self, ref: Callable[[str], str]) -> str:
        return '"' + self.value.replace('"', '""') + '"'


@dataclass(frozen=True)
class Field(Expr):
    """An input field. ``default`` stands in for a blank (optional fields only)."""

    name: str
    default: Decimal | None = None

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        value = env.get(self.name)
        return self.default if value is None else value

    def compile(self) -> Callable[[Mapping[str, Value]], Value]:
        name, default = self.name, self.default
        if default is None:
            return lambda env: env.get(name)
        return lambda env: d if (d := env.get(name)) is not None else default

    def formula(self, ref: Callable[[str], str]) -> str:
        return f"N({ref(self.name)})" if self.default is not None else ref(self.name)

    def fields(self) -> set[str]:
        return {self.name}


def _decimal(value: Value) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(f"expected a number, got {value!r}")
    return value


@dataclass(frozen=True)
class Binary(Expr):
    op: str  # + - * /
    left: Expr
    right: Expr

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        a, b = _decimal(self.left.evaluate(env)), _decimal(self.right.evaluate(env))
        if self.op == "+":
            return a + b
        if self.op == "-":
            return a - b
        if self.op == "*":
            return a * b
        return a / b

    def compile(self) -> Callable[[Mapping[str, Value]], Value]:
        a, b = self.left.compile(), self.right.compile()
        if self.op == "+":
            return lambda env: _decimal(a(env)) + _decimal(b(env))
        if self.op == "-":
            return lambda env: _decimal(a(env)) - _decimal(b(env))
        if self.op == "*":
            return lambda env: _decimal(a(env)) * _decimal(b(env))
        return lambda env: _decimal(a(env)) / _decimal(b(env))

    def formula(self, ref: Callable[[str], str]) -> str:
        return f"({self.left.formula(ref)}{self.op}{self.right.formula(ref)})"

    def fields(self) -> set[str]:
        return self.left.fields() | self.right.fields()


COMPARATORS: dict[str, Callable[[object, object], bool]] = {
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    "<": lambda a, b: a < b,  # type: ignore[operator]
    "=": lambda a, b: a == b,
}


@dataclass(frozen=True)
class Compare(Expr):
    op: str
    left: Expr
    right: Expr

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        return "TRUE" if self.test(env) else "FALSE"

    def test(self, env: Mapping[str, Value]) -> bool:
        return COMPARATORS[self.op](self.left.evaluate(env), self.right.evaluate(env))

    def compile_test(self) -> Callable[[Mapping[str, Value]], bool]:
        a, b, compare = self.left.compile(), self.right.compile(), COMPARATORS[self.op]
        return lambda env: compare(a(env), b(env))

    def compile(self) -> Callable[[Mapping[str, Value]], Value]:
        test = self.compile_test()
        return lambda env: "TRUE" if test(env) else "FALSE"

    def formula(self, ref: Callable[[str], str]) -> str:
        return f"{self.left.formula(ref)}{self.op}{self.right.formula(ref)}"

    def fields(self) -> set[str]:
        return self.left.fields() | self.right.fields()


@dataclass(frozen=True)
class If(Expr):
    condition: Compare
    then: Expr
    otherwise: Expr

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        branch = self.then if self.condition.test(env) else self.otherwise
        return branch.evaluate(env)

    def compile(self) -> Callable[[Mapping[str, Value]], Value]:
        test, then, otherwise = self.condition.compile_test(), self.then.compile(), self.otherwise.compile()
        return lambda env: then(env) if test(env) else otherwise(env)

    def formula(self, ref: Callable[[str], str]) -> str:
        return (
            f"IF({self.condition.formula(ref)},"
            f"{self.then.formula(ref)},{self.otherwise.formula(ref)})"
        )

    def fields(self) -> set[str]:
        return self.condition.fields() | self.then.fields() | self.otherwise.fields()


@dataclass(frozen=True)
class Call(Expr):
    """MIN, MAX or SUM over numbers."""

    name: str
    args: tuple[Expr, ...]

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        values = [_decimal(a.evaluate(env)) for a in self.args]
        if self.name == "MIN":
            return min(values)
        if self.name == "MAX":
            return max(values)
        return sum(values, Decimal(0))

    def compile(self) -> Callable[[Mapping[str, Value]], Value]:
        args = [a.compile() for a in self.args]
        if len(args) == 2 and self.name in ("MIN", "MAX"):  # clamp's shape: the hot path
            a, b = args
            pick = min if self.name == "MIN" else max
            return lambda env: pick(_decimal(a(env)), _decimal(b(env)))
        if self.name == "MIN":
            return lambda env: min(_decimal(f(env)) for f in args)
        if self.name == "MAX":
            return lambda env: max(_decimal(f(env)) for f in args)
        return lambda env: sum((_decimal(f(env)) for f in args), Decimal(0))

    def formula(self, ref: Callable[[str], str]) -> str:
        return f"{self.name}({','.join(a.formula(ref) for a in self.args)})"

    def fields(self) -> set[str]:
        out: set[str] = set()
        for a in self.args:
            out |= a.fields()
        return out


def clamp(expr: Expr, low: Decimal, high: Decimal) -> Expr:
    return Call("MAX", (Num(low), Call("MIN", (Num(high), expr))))


def num(value: Decimal | int | str) -> Num:
    return Num(Decimal(value))
