"""The `$filter` language subset BC accepts: comparisons, and / or / not, parentheses, string functions."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from localdev.simulators.businesscentral.enum_names import odata_enum_name
from localdev.simulators.businesscentral.errors import BCError, bad_request, could_not_find_property
from localdev.simulators.businesscentral.schema import EntityType, Kind

Record = Mapping[str, Any]
Predicate = Callable[[Record], bool]

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[(),])
    """,
    re.VERBOSE,
)

_COMPARISONS: dict[str, tuple[str, Callable[[Any, Any], bool]]] = {
    "eq": ("Equal", operator.eq),
    "ne": ("NotEqual", operator.ne),
    "gt": ("GreaterThan", operator.gt),
    "ge": ("GreaterThanOrEqual", operator.ge),
    "lt": ("LessThan", operator.lt),
    "le": ("LessThanOrEqual", operator.le),
}
_STRING_FUNCTIONS: dict[str, Callable[[str, str], bool]] = {
    "contains": lambda value, part: part in value,
    "startswith": str.startswith,
    "endswith": str.endswith,
}
_KIND_FAMILY = {Kind.ENUM: Kind.STRING, Kind.INT: Kind.DECIMAL}
_NULL = "null"
PAGE_VARIABLE_FILTER = "The filter on '{name}' cannot be applied: the field is not bound to a table field."
"""The simulator's words (unconfirmed which answer real BC gives: a 400, or the filter silently ignored). The property
is a page variable in Microsoft's page source, so BC has no table field to put the filter on."""


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


@dataclass(frozen=True)
class _Operand:
    """A field reference or a literal: how to read its value from a record, and its EDM kind."""

    read: Callable[[Record], Any]
    kind: Kind | str
    is_code: bool = False

    @property
    def family(self) -> Kind | str:
        return _KIND_FAMILY.get(self.kind, self.kind) if isinstance(self.kind, Kind) else self.kind


OR_ACROSS_FIELDS = "The 'OR' operator is not supported on distinct fields on an OData filter."
"""BC's answer, word for word, to `or` between two fields (MicrosoftDocs/dynamics365smb-devitpro-pb
dev-itpro/webservices/odata-known-limitations.md, "Filters")."""


def parse_filter(text: str, entity: EntityType) -> tuple[Predicate, frozenset[str]]:
    """A predicate over records of `entity` and the fields the filter names; a 400 BCError for anything malformed.
    As BC turns the filter into AL filters on the source table's fields (API v2.0 and published pages alike), `or`
    may only join conditions on one and the same field, and a field bound to a page variable cannot be named.
    Enum fields compare by their members' OData names (`blocked eq '_x0020_'`)."""
    parser = _Parser(_tokenize(text), entity)
    predicate = parser.parse_or()
    if parser.peek() is not None:
        raise _syntax_error(text)
    return predicate, frozenset(parser.fields)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            raise _syntax_error(text)
        if match.lastgroup != "ws":
            tokens.append(_Token(match.lastgroup, match.group()))
        position = match.end()
    return tokens


def _syntax_error(text: str) -> BCError:
    return bad_request(f"Syntax error in the $filter query option: '{text}'.")


class _Parser:
    def __init__(self, tokens: list[_Token], entity: EntityType) -> None:
        self.tokens = tokens
        self.position = 0
        self.entity = entity
        self.text = " ".join(t.text for t in tokens)
        self.fields: list[str] = []
        """The fields named so far, in order: what each `or` term refers to."""

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise _syntax_error(self.text)
        self.position += 1
        return token

    def expect(self, text: str) -> None:
        if self.take().text != text:
            raise _syntax_error(self.text)

    def accept_word(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "word" and token.text == word:
            self.position += 1
            return True
        return False

    def parse_or(self) -> Predicate:
        first_field = len(self.fields)
        terms = [self.parse_and()]
        while self.accept_word("or"):
            terms.append(self.parse_and())
        if len(terms) > 1 and len(set(self.fields[first_field:])) > 1:
            raise bad_request(OR_ACROSS_FIELDS)
        return terms[0] if len(terms) == 1 else (lambda record: any(term(record) for term in terms))

    def parse_and(self) -> Predicate:
        terms = [self.parse_not()]
        while self.accept_word("and"):
            terms.append(self.parse_not())
        return terms[0] if len(terms) == 1 else (lambda record: all(term(record) for term in terms))

    def parse_not(self) -> Predicate:
        if self.accept_word("not"):
            inner = self.parse_not()
            return lambda record: not inner(record)
        return self.parse_primary()

    def parse_primary(self) -> Predicate:
        token = self.peek()
        if token is not None and token.text == "(":
            self.take()
            inner = self.parse_or()
            self.expect(")")
            return inner
        if token is not None and token.text in _STRING_FUNCTIONS:
            return self.parse_function()
        return self.parse_comparison()

    def parse_function(self) -> Predicate:
        function = _STRING_FUNCTIONS[self.take().text]
        self.expect("(")
        subject = self.parse_operand()
        self.expect(",")
        part = self.parse_operand()
        self.expect(")")
        if subject.family is not Kind.STRING or part.family is not Kind.STRING:
            raise bad_request("String functions take string arguments in $filter.")

        def check(record: Record) -> bool:
            value, search = subject.read(record), part.read(record)
            return isinstance(value, str) and isinstance(search, str) and function(value, search)

        return check

    def parse_comparison(self) -> Predicate:
        left = self.parse_operand()
        token = self.peek()
        if token is None or token.text not in _COMPARISONS:
            if left.kind is Kind.BOOL:
                return lambda record: left.read(record) is True
            raise _syntax_error(self.text)
        self.take()
        label, compare = _COMPARISONS[token.text]
        right = self.parse_operand()
        _check_types(left, right, label)
        fold = left.is_code or right.is_code

        def check(record: Record) -> bool:
            a, b = left.read(record), right.read(record)
            if fold and isinstance(a, str) and isinstance(b, str):
                a, b = a.upper(), b.upper()
            if a is None or b is None:
                return compare in (operator.eq, operator.ne) and compare(a, b)
            return compare(a, b)

        return check

    def parse_operand(self) -> _Operand:
        token = self.take()
        if token.kind == "word":
            return self.word_operand(token.text)
        if token.kind == "string":
            value = token.text[1:-1].replace("''", "'")
            return _Operand(lambda _record: value, Kind.STRING)
        if token.kind == "number":
            number = float(token.text)
            return _Operand(lambda _record: number, Kind.DECIMAL)
        if token.kind == "guid":
            guid = token.text.lower()
            return _Operand(lambda _record: guid, Kind.GUID)
        if token.kind == "date":
            day = _parse_literal(date.fromisoformat, token.text)
            return _Operand(lambda _record: day, Kind.DATE)
        if token.kind == "datetime":
            moment = _parse_literal(datetime.fromisoformat, token.text)
            return _Operand(lambda _record: moment, Kind.DATETIME)
        raise _syntax_error(self.text)

    def word_operand(self, word: str) -> _Operand:
        if word in ("true", "false"):
            flag = word == "true"
            return _Operand(lambda _record: flag, Kind.BOOL)
        if word == _NULL:
            return _Operand(lambda _record: None, _NULL)
        prop = self.entity.prop(word)
        if prop is None:
            raise could_not_find_property(word, self.entity.type_name)
        if prop.page_variable:
            raise bad_request(PAGE_VARIABLE_FILTER.format(name=word))
        self.fields.append(word)
        return _Operand(_field_reader(word, prop.kind), prop.kind, prop.is_code)


def _field_reader(name: str, kind: Kind) -> Callable[[Record], Any]:
    def read(record: Record) -> Any:
        value = record.get(name)
        if value is None:
            return None
        if kind is Kind.GUID:
            return str(value).lower()
        if kind is Kind.ENUM:
            return odata_enum_name(str(value))
        if kind is Kind.DATE:
            return date.fromisoformat(value)
        if kind is Kind.DATETIME:
            return datetime.fromisoformat(value)
        return value

    return read


def _parse_literal(parse: Callable[[str], Any], text: str) -> Any:
    try:
        return parse(text)
    except ValueError as exc:
        raise bad_request(f"The literal '{text}' is not a valid date or time value.") from exc


def _check_types(left: _Operand, right: _Operand, label: str) -> None:
    if _NULL in (left.family, right.family):
        if label not in ("Equal", "NotEqual"):
            raise bad_request(f"The null literal cannot be used with operator kind '{label}'.")
        return
    if left.family is not right.family:
        names = [o.kind.value if isinstance(o.kind, Kind) else o.kind for o in (left, right)]
        raise bad_request(
            "A binary operator with incompatible types was detected. "
            f"Found operand types '{names[0]}' and '{names[1]}' for operator kind '{label}'."
        )
