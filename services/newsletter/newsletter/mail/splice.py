"""Filling a template without Jinja, and its body quoted-printable encoded once.

Most mail templates only substitute: literal text, `{{ _lit[n] }}` and `{{ name }}`. Such a
template is read once into a `Plan` (text pieces and variable names), and its body is
encoded once into `Encoded`: the quoted-printable bytes of every line that holds no
variable, and for the lines that do, the pieces to join and encode per recipient.

Quoted-printable (as `binascii.b2a_qp` writes it) is line by line: soft breaks, the
trailing-space rule and the lone-dot rule look only at the current line (and at the end of
the data). So a line encoded alone is byte for byte what encoding the whole body writes,
as long as no CR is anywhere in it (a CR before LF changes what counts as a line end): a
template with a CR in its text gets no plan, and a recipient whose values hold CR or LF is
filled and encoded the slow way. `tests/unit/test_newsletter_mail_splice.py` checks the
result against the slow path (Jinja fill, whole-body encoding) for random values.

A template with anything else (`{% if %}`, filters, attributes) has no plan: Jinja fills it.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, UndefinedError, nodes
from markupsafe import escape

# A piece is literal text (str) or a variable to fill (Var).


@dataclass(frozen=True)
class Var:
    name: str


Piece = str | Var


@dataclass(frozen=True)
class Plan:
    """A substitution-only template: text and variables in order."""

    pieces: tuple[Piece, ...]
    html: bool  # values are HTML-escaped, as the autoescaping Jinja fill does

    def value(self, variables: Mapping[str, Any], name: str) -> str:
        try:
            value = variables[name]
        except KeyError:
            raise UndefinedError(f"{name!r} is undefined") from None
        return str(escape(value)) if self.html else str(value)

    def fill(self, variables: Mapping[str, Any]) -> str:
        return "".join(
            p if isinstance(p, str) else self.value(variables, p.name) for p in self.pieces
        )


def plan_of(env: Environment, source: str, literals: Sequence[str]) -> Plan | None:
    """The plan of a template source, or None when it does more than substitute."""
    if not isinstance(env.autoescape, bool):
        return None
    html = env.autoescape
    lits = [str(escape(v)) if html else v for v in literals]
    pieces: list[Piece] = []
    for node in env.parse(source).body:
        if not isinstance(node, nodes.Output):
            return None
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                pieces.append(child.data)
            elif isinstance(child, nodes.Name) and child.ctx == "load":
                if child.name in env.globals or child.name == "_lit":
                    return None
                pieces.append(Var(child.name))
            elif (
                isinstance(child, nodes.Getitem)
                and isinstance(child.node, nodes.Name)
                and child.node.name == "_lit"
                and isinstance(child.arg, nodes.Const)
                and type(child.arg.value) is int
                and 0 <= child.arg.value < len(lits)
            ):
                pieces.append(lits[child.arg.value])
            else:
                return None
    return Plan(pieces=tuple(_merged(pieces)), html=html)


def _merged(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for p in pieces:
        if isinstance(p, str) and out and isinstance(out[-1], str):
            out[-1] += p
        elif p != "":
            out.append(p)
    return out


def qp(text: str) -> bytes:
    """Quoted-printable UTF-8 with CRLF lines: the slow path, and each line of the fast one."""
    body = text.replace("\r\n", "\n").encode()
    return binascii.b2a_qp(body, istext=True).replace(b"\n", b"\r\n")


SOFT_BREAK = b"=\r\n"
MAX_LINE = 76  # RFC 2045 6.7: encoded lines at most 76 characters, the soft "=" included


def chunk(text: str, *, last: bool) -> bytes:
    """`text` quoted-printable encoded as a piece of a longer body: unless it is the body's
    `last` piece or ends with its own line break, it ends with a soft line break, so the
    next piece starts a fresh line and is encoded without knowing what came before. No line
    is longer than MAX_LINE, and none starts with "." (SMTP would have to stuff it)."""
    encoded = qp(text)
    if not (last or text.endswith("\n")):
        encoded += SOFT_BREAK
    if encoded.startswith(b".") or b"\n." in encoded or _long_last_line(encoded):
        encoded = _refold(encoded)
    return encoded


def _long_last_line(encoded: bytes) -> bool:
    end = len(encoded) - (len(SOFT_BREAK) if encoded.endswith(SOFT_BREAK) else 0)
    return end - (encoded.rfind(b"\n", 0, end) + 1) > MAX_LINE - 1


def _refold(encoded: bytes) -> bytes:
    """Lines that start with "." get it as =2E; lines longer than the limit are split with
    soft breaks (never inside an =XX). Only a rare line needs it, so plain Python does."""
    out: list[bytes] = []
    for line in encoded.split(b"\r\n"):
        if not (line.startswith(b".") or len(line) > MAX_LINE):
            out.append(line)
            continue
        soft = line.endswith(b"=")  # a literal "=" is always =3D: this is a soft break
        body = line[:-1] if soft else line
        tokens: list[bytes] = []
        i = 0
        while i < len(body):
            step = 3 if body[i : i + 1] == b"=" else 1
            tokens.append(body[i : i + step])
            i += step
        current = b""
        for token in tokens:
            if len(current) + len(token) > MAX_LINE - 1:
                out.append(current + b"=")
                current = b""
            current += b"=2E" if not current and token == b"." else token
        out.append(current + b"=" if soft else current)
    return b"\r\n".join(out)


@dataclass(frozen=True)
class Encoded:
    """A body plan with its fixed text already quoted-printable encoded, once: per mail
    only the personal values are encoded and spliced in between (see `chunk`). It decodes
    to exactly what encoding the whole filled body does."""

    plan: Plan
    parts: tuple[bytes | Var, ...]

    @property
    def names(self) -> frozenset[str]:
        """The variables the body shows."""
        return frozenset(p.name for p in self.plan.pieces if isinstance(p, Var))

    @classmethod
    def of(cls, plan: Plan) -> Encoded | None:
        if any(isinstance(p, str) and "\r" in p for p in plan.pieces):
            return None  # a CR changes what the whole-body encoder takes for a line end
        count = len(plan.pieces)
        parts = tuple(
            chunk(p, last=i == count - 1) if isinstance(p, str) else p
            for i, p in enumerate(plan.pieces)
        )
        return cls(plan=plan, parts=parts)

    def encode(self, variables: Mapping[str, Any]) -> bytes | None:
        """The quoted-printable body, or None when a value holds CR or LF (then the slow
        path encodes the whole body)."""
        plan = self.plan
        out: list[bytes] = []
        last = len(self.parts) - 1
        for i, part in enumerate(self.parts):
            if isinstance(part, bytes):
                out.append(part)
                continue
            value = plan.value(variables, part.name)
            if not value:
                continue
            if "\r" in value or "\n" in value:
                return None
            out.append(chunk(value, last=i == last))
        return b"".join(out)
