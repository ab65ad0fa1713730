"""A member's papers in one language, in their format (standard or Easy Read)."""

from __future__ import annotations

from governance.board_pack import BoardPack
from notifications.board_pack.blocks import Block
from notifications.board_pack.easy_read import easy_read_blocks
from notifications.board_pack.standard import standard_blocks


def pack_blocks(pack: BoardPack, lang: str) -> list[Block]:
    """The papers in one language, in the member's format."""
    if pack.member.easy_read:
        return easy_read_blocks(pack, lang)
    return standard_blocks(pack, lang)
