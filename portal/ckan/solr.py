"""The Solr query syntax CKAN clients send in ``q`` and ``fq``, parsed into a small boolean tree.

Supported: ``field:value``, ``field:"a phrase"``, ``field:(a OR b)``, bare words (the default
field), ``*:*``, ``field:*``, wildcards ``*``/``?`` inside a value, ranges ``[a TO b]`` / ``{a TO b}``
(either end ``*``) with Solr date math (``NOW-1DAY/DAY``), ``AND``/``&&``, ``OR``/``||``,
``NOT``/``!``/``-``, ``+``, parentheses, backslash escapes and ``^`` boosts (accepted, ignored).

Precedence: NOT, then AND, then OR, then juxtaposition, which means AND (CKAN sends ``q.op=AND``).
So ckanext-harvest's ``organization:a OR organization:b groups:x`` means (a OR b) AND x, as the
harvester intends. (Real Solr's flat clause list reads that differently and, with the
``+capacity:public`` CKAN prepends, makes the OR match everything: ckanext-harvest#518.)

Anything else (fuzzy ``~``, regular expressions, local parameters ``{!…}``, ``_val_``/``_query_``)
raises ``QuerySyntaxError``: a query is refused rather than read differently from what was meant.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

MAX_QUERY_LENGTH = 4_000
MAX_DEPTH = 20  # nested parentheses
SPECIAL = set('()[]{}"\\:+-!^~*?/&|')


class QuerySyntaxError(ValueError):
    "The query uses syntax this portal does not support, or is malformed"


@dataclass(frozen=True)
class Term:
    field: str
    value: str  # the value with escapes removed; may hold wildcards when ``wildcard``
    phrase: bool = False
    wildcard: bool = False


@dataclass(frozen=True)
class Range:
    field: str
    low: str | None  # None: open (*)
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class MatchAll:
    pass


@dataclass(frozen=True)
class Not:
    child: object


@dataclass(frozen=True)
class And:
    children: tuple


@dataclass(frozen=True)
class Or:
    children: tuple


Node = Term | Range | MatchAll | Not | And | Or


def parse(text: str, default_field: str = "text") -> Node:
    """The query as a tree; an empty query matches everything."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(f"query longer than {MAX_QUERY_LENGTH} characters")
    if re.search(r"\{!|\b_(val|query)_\s*:", text):
        raise QuerySyntaxError("local parameters and magic fields are not supported")
    parser = _Parser(text)
    node = parser.sequence(default_field, depth=0)
    if parser.position < len(text):
        raise QuerySyntaxError(f"unexpected {text[parser.position]!r} at position {parser.position}")
    return node


class _Parser:
    def __init__(self, text: str):
        self.text, self.position = text, 0

    # --- lexing helpers ---------------------------------------------------------------------------
    def skip_space(self) -> None:
        while self.position < len(self.text) and self.text[self.position].isspace():
            self.position += 1

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.position] if self.position < len(self.text) else ""

    def keyword(self, *words: str) -> str | None:
        """Consume one of the keywords (AND, OR, NOT, &&, ||) when it stands alone."""
        self.skip_space()
        for word in words:
            end = self.position + len(word)
            if self.text.startswith(word, self.position) and (
                    word in ("&&", "||") or end == len(self.text) or self.text[end].isspace() or self.text[end] in "()"):
                self.position = end
                return word
        return None

    def bare_word(self) -> tuple[str, bool]:
        """A run of term characters with escapes undone; True when it holds unescaped wildcards."""
        chars, wildcard = [], False
        while self.position < len(self.text):
            char = self.text[self.position]
            if char == "\\":
                if self.position + 1 == len(self.text):
                    raise QuerySyntaxError("a backslash ends the query")
                chars.append("\\" + self.text[self.position + 1])
                self.position += 2
                continue
            if char.isspace() or char in '()[]{}":^~/' or (char in "&|" and self.text[self.position:self.position + 2] in ("&&", "||")):
                break
            if char in "*?":
                wildcard = True
            chars.append(char)
            self.position += 1
        word = "".join(chars)
        if wildcard:
            return word, True  # escapes stay, so the matcher can tell \* from *
        return re.sub(r"\\(.)", r"\1", word), False

    def boost(self) -> None:
        if self.peek() == "^":
            self.position += 1
            if not re.match(r"\d+(\.\d+)?", self.text[self.position:]):
                raise QuerySyntaxError("a boost (^) needs a number")
            self.position += re.match(r"\d+(\.\d+)?", self.text[self.position:]).end()
        if self.peek() == "~":
            raise QuerySyntaxError("fuzzy and proximity searches (~) are not supported")

    # --- grammar ----------------------------------------------------------------------------------
    def sequence(self, field: str, depth: int) -> Node:
        """Clauses one after another: all of them must match (q.op=AND)."""
        if depth > MAX_DEPTH:
            raise QuerySyntaxError(f"more than {MAX_DEPTH} nested parentheses")
        clauses = []
        while self.peek() not in ("", ")"):
            clauses.append(self.disjunction(field, depth))
        if not clauses:
            return MatchAll()
        return clauses[0] if len(clauses) == 1 else And(tuple(clauses))

    def disjunction(self, field: str, depth: int) -> Node:
        children = [self.conjunction(field, depth)]
        while self.keyword("OR", "||"):
            children.append(self.conjunction(field, depth))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def conjunction(self, field: str, depth: int) -> Node:
        children = [self.unary(field, depth)]
        while self.keyword("AND", "&&"):
            children.append(self.unary(field, depth))
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self, field: str, depth: int) -> Node:
        if self.keyword("NOT") or self.peek() in ("-", "!"):
            if self.peek() in ("-", "!"):
                self.position += 1
            return Not(self.unary(field, depth))
        if self.peek() == "+":
            self.position += 1
        return self.clause(field, depth)

    def clause(self, field: str, depth: int) -> Node:
        char = self.peek()
        if char == "" or char == ")":
            raise QuerySyntaxError("a query ends where a term was expected")
        if char == "(":
            return self.group(field, depth)
        if char == '"':
            return self.phrase(field)
        if char in "[{":
            return self.range(field)
        if char in "/":
            raise QuerySyntaxError("regular expressions are not supported")
        start = self.position
        word, wildcard = self.bare_word()
        if not word:
            raise QuerySyntaxError(f"unexpected {self.text[start:start + 1]!r} at position {start}")
        if self.position < len(self.text) and self.text[self.position] == ":":
            self.position += 1
            if wildcard and word != "*":
                raise QuerySyntaxError(f"a field name cannot hold wildcards: {word}")
            name = word
            if self.peek() == "" or self.peek().isspace():
                raise QuerySyntaxError(f"field {name} has no value")
            if name == "*":
                value, value_wildcard = self.bare_word()
                if value != "*":
                    raise QuerySyntaxError("only *:* may use * as a field")
                self.boost()
                return MatchAll()
            return self.clause(name, depth) if self.peek() in '("[{' else self.value(name)
        self.position = start
        return self.value(field)

    def value(self, field: str) -> Node:
        word, wildcard = self.bare_word()
        if not word:
            raise QuerySyntaxError(f"field {field} has no value")
        if self.position < len(self.text) and self.text[self.position] == ":":
            raise QuerySyntaxError(f"unescaped ':' in the value of {field} (quote the value or write \\:)")
        self.boost()
        if wildcard and word == "*":
            return Range(field, None, None)  # field:* : the field has any value
        return Term(field, word, wildcard=wildcard)

    def group(self, field: str, depth: int) -> Node:
        self.position += 1  # (
        node = self.sequence(field, depth + 1)
        if self.peek() != ")":
            raise QuerySyntaxError("a parenthesis is not closed")
        self.position += 1
        self.boost()
        return node

    def phrase(self, field: str) -> Node:
        match = re.compile(r'"((?:[^"\\]|\\.)*)"', re.S).match(self.text, self.position)
        if not match:
            raise QuerySyntaxError("a quotation mark is not closed")
        self.position = match.end()
        self.boost()
        return Term(field, re.sub(r"\\(.)", r"\1", match.group(1)), phrase=True)

    def range(self, field: str) -> Node:
        match = re.compile(r'([\[{])\s*("(?:[^"\\]|\\.)*"|(?:[^\s"\\\]}]|\\.)+)\s+TO\s+'
                           r'("(?:[^"\\]|\\.)*"|(?:[^\s"\\\]}]|\\.)+)\s*([\]}])').match(self.text, self.position)
        if not match:
            raise QuerySyntaxError("a range must look like [a TO b] or {a TO b}")
        self.position = match.end()
        self.boost()
        low, high = (None if bound == "*" else re.sub(r"\\(.)", r"\1", bound.strip('"'))
                     for bound in (match.group(2), match.group(3)))
        return Range(field, low, high, match.group(1) == "[", match.group(4) == "]")


# --- Solr dates ------------------------------------------------------------------------------------

DATE_MATH = re.compile(r"([+-]\d+|/)(YEARS?|MONTHS?|DAYS?|DATE|HOURS?|MINUTES?|SECONDS?)")
UNIT_SECONDS = {"DAY": 86400, "DATE": 86400, "HOUR": 3600, "MINUTE": 60, "SECOND": 1}


def parse_date(text: str, now: datetime.datetime) -> datetime.datetime:
    """A Solr date (``2026-11-28T07:50:41.5Z``, ``NOW``, either followed by date math such as
    ``-1DAY``, ``+2HOURS``, ``/DAY``) as a naive UTC datetime."""
    if text.startswith("NOW"):
        moment, rest = now, text[3:]
    else:
        match = re.match(r"\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?)?(Z|[+-]\d\d:\d\d)?", text)
        if not match:
            raise QuerySyntaxError(f"invalid date {text!r} (use 2026-01-31T00:00:00Z or NOW-1DAY)")
        stamp, rest = match.group(0), text[match.end():]
        try:
            moment = datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            raise QuerySyntaxError(f"invalid date {text!r}") from None
        if moment.tzinfo is not None:
            moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    position = 0
    while position < len(rest):
        step = DATE_MATH.match(rest, position)
        if not step:
            raise QuerySyntaxError(f"invalid date math {rest[position:]!r} in {text!r}")
        moment = apply_date_math(moment, step.group(1), step.group(2).rstrip("S"))
        position = step.end()
    return moment


def apply_date_math(moment: datetime.datetime, operation: str, unit: str) -> datetime.datetime:
    if operation == "/":  # round down to the unit
        fields = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"]
        unit = "DAY" if unit == "DATE" else unit
        keep = fields.index(unit) + 1
        parts = [moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second]
        parts = parts[:keep] + [1, 1, 0, 0, 0, 0][keep:]
        return datetime.datetime(*parts)
    amount = int(operation)
    if unit in ("YEAR", "MONTH"):
        months = moment.month - 1 + amount * (12 if unit == "YEAR" else 1)
        year, month = moment.year + months // 12, months % 12 + 1
        if not 1 <= year <= 9999:
            raise QuerySyntaxError("date math goes beyond year 9999")
        day = min(moment.day, [31, 29 if is_leap(year) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
        return moment.replace(year=year, month=month, day=day)
    try:
        return moment + datetime.timedelta(seconds=amount * UNIT_SECONDS[unit])
    except OverflowError:
        raise QuerySyntaxError("date math goes beyond year 9999") from None


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
