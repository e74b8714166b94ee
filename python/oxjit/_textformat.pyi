from dataclasses import dataclass

from typing_extensions import TypeAlias

@dataclass(frozen=True)
class Field:
    # An argument position, or a keyword's name (`str.format`).
    arg: int | str
    # Applied before the spec: "str", "repr", "int", "float", or "".
    convert: str
    spec: str

# Literal text and fields, in order.
Pieces: TypeAlias = list[str | Field]

# The pieces, or the reason compiled code cannot take the template.
def percent_pieces(template: str) -> Pieces | str: ...
def format_pieces(template: str) -> Pieces | str: ...
