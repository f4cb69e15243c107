"""Exact arithmetic for budget answers: sums, differences and shares of 部门预算 figures.

Why not ``eval``: the expression may come from a language model or a user, so it is parsed with
:mod:`ast` and only numbers, + - * /, parentheses, a trailing percent sign and small integer powers
are evaluated. Numbers become :class:`~decimal.Decimal` from their source text, never through
``float``, so ``0.1 + 0.2`` is exactly ``0.3`` and money keeps its cents.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, DecimalException

MAX_LENGTH = 500
MAX_DIGITS = 40
MAX_NODES = 200
MAX_EXPONENT = 100  # |adjusted exponent| of any intermediate or final result
MAX_POWER = 10
MAX_PLACES = 20

# Full-width ASCII (＋－（），．％ and digits) → ASCII; the usual multiplication and division signs.
_TRANSLATE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_TRANSLATE.update({0x3000: " ", ord("×"): "*", ord("÷"): "/", ord("−"): "-"})
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,])")
_PERCENT = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*%(?!\s*[\d.(])")
_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)")
_OPS = {ast.Add: "add", ast.Sub: "subtract", ast.Mult: "multiply", ast.Div: "divide"}
_KINDS = {
    ast.Name: "变量名 (name)",
    ast.Call: "函数调用 (function call)",
    ast.Attribute: "属性访问 (attribute)",
    ast.Subscript: "下标 (subscript)",
    ast.Compare: "比较 (comparison)",
    ast.BoolOp: "逻辑运算 (boolean op)",
    ast.IfExp: "条件表达式 (conditional)",
    ast.Lambda: "lambda",
    ast.List: "列表 (list)",
    ast.Tuple: "元组或逗号 (tuple / comma)",
    ast.Set: "集合 (set)",
    ast.Dict: "字典 (dict)",
}


class CalculationError(ValueError):
    """The expression was rejected or cannot be evaluated; the message says why in 中文 and English."""


@dataclass(frozen=True)
class Result:
    """What was evaluated (after normalisation), the exact value and its plain decimal text."""

    expression: str
    value: Decimal
    text: str


def normalise(expression: str) -> str:
    """Turn human forms (全角, ×÷, 1,296.38, 12%) into the small ASCII grammar that is parsed."""
    if not isinstance(expression, str):
        raise CalculationError(
            f"表达式必须是字符串 (expression must be a string, got {type(expression).__name__})"
        )
    text = expression.strip()
    if len(text) > MAX_LENGTH:
        raise CalculationError(f"表达式过长 (expression longer than {MAX_LENGTH} characters)")
    text = " ".join(text.translate(_TRANSLATE).split())
    if not text:
        raise CalculationError("表达式为空 (empty expression)")
    text = _THOUSANDS.sub(lambda m: m.group().replace(",", ""), text)
    return _PERCENT.sub(r"(\1/100)", text)


def calculate(expression: str, places: int | None = None) -> Result:
    """Evaluate ``expression`` exactly; with ``places``, round ROUND_HALF_UP to that many decimals."""
    if places is not None and (type(places) is not int or not 0 <= places <= MAX_PLACES):
        raise CalculationError(f"小数位数无效 (places must be an integer 0..{MAX_PLACES}, got {places!r})")
    source = normalise(expression)
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise CalculationError(f"表达式语法错误 (invalid expression syntax: {_clip(source)})") from exc
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise CalculationError(f"表达式过于复杂 (more than {MAX_NODES} syntax nodes)")
    ctx = Context(prec=50)  # local: the global decimal context is never touched
    try:
        value = _eval(tree.body, source, ctx)
        if places is not None:
            value = value.quantize(Decimal(1).scaleb(-places, ctx), ROUND_HALF_UP, Context(prec=200))
        else:  # strip trailing zeros, but keep 260 as Decimal('260') rather than Decimal('2.6E+2')
            value = value.normalize(ctx)
            value = (
                value.quantize(Decimal(1), context=Context(prec=200))
                if value.as_tuple().exponent > 0
                else value
            )
    except DecimalException as exc:
        raise CalculationError(f"计算失败 (arithmetic error: {type(exc).__name__})") from exc
    if value.is_zero():
        value = value.copy_abs()  # never show "-0"
    return Result(expression=source, value=value, text=format(value, "f"))


def _clip(text: str | None, limit: int = 60) -> str:
    """Keep error messages readable even for a 500-character expression."""
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _checked(value: Decimal) -> Decimal:
    """Bound every intermediate result so nothing grows without limit."""
    if not value.is_zero() and abs(value.adjusted()) > MAX_EXPONENT:
        raise CalculationError(f"结果超出范围 (overflow: magnitude beyond 1e±{MAX_EXPONENT})")
    return value


def _eval(node: ast.AST, source: str, ctx: Context) -> Decimal:
    """Evaluate one allowed node; anything else is named in the error."""
    if isinstance(node, ast.Constant):
        literal = ast.get_source_segment(source, node) or repr(node.value)
        if type(node.value) not in (int, float) or not _NUMBER.fullmatch(literal):
            raise CalculationError(f"不支持的常量 (unsupported literal: {_clip(literal)})")
        if sum(ch.isdigit() for ch in literal) > MAX_DIGITS:
            raise CalculationError(f"数字位数过多 (number has more than {MAX_DIGITS} digits)")
        return _checked(Decimal(literal))
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.UAdd, ast.USub)):
            raise CalculationError(f"不支持的运算符 (unsupported operator: {type(node.op).__name__})")
        operand = _eval(node.operand, source, ctx)
        return ctx.minus(operand) if isinstance(node.op, ast.USub) else ctx.plus(operand)
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Mod):
            raise CalculationError("不支持取模，% 只能作百分号 (% is only a percent sign after a number)")
        if not isinstance(node.op, (*_OPS, ast.Pow)):
            raise CalculationError(f"不支持的运算符 (unsupported operator: {type(node.op).__name__})")
        left, right = _eval(node.left, source, ctx), _eval(node.right, source, ctx)
        if isinstance(node.op, ast.Pow):
            return _power(left, right, ctx)
        if isinstance(node.op, ast.Div) and right.is_zero():
            raise CalculationError("除数为零 (division by zero)")
        return _checked(getattr(ctx, _OPS[type(node.op)])(left, right))
    kind = _KINDS.get(type(node), type(node).__name__)
    raise CalculationError(
        f"不支持的表达式：{kind} (not allowed: {_clip(ast.get_source_segment(source, node))})"
    )


def _power(base: Decimal, exponent: Decimal, ctx: Context) -> Decimal:
    """Only small integer exponents: enough for growth rates, too small for 9**9**9."""
    if exponent != exponent.to_integral_value(context=ctx) or exponent.copy_abs() > MAX_POWER:
        raise CalculationError(
            f"指数必须是 -{MAX_POWER}..{MAX_POWER} 的整数 (exponent must be a small integer)"
        )
    if base.is_zero() and exponent <= 0:
        raise CalculationError("零的非正数次幂无定义 (0 to a non-positive power is undefined)")
    return _checked(ctx.power(base, int(exponent)))
