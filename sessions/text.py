"""Typed text, tidied: nothing invisible that could turn a page around or hide text."""

from __future__ import annotations

import re

# Bidi embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069), zero-width space,
# word joiner and byte-order mark. Kept: the zero-width (non-)joiners U+200C/U+200D, which
# emoji sequences and Persian need, and the direction marks U+200E/U+200F, which change
# nothing beyond themselves.
INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")


def tidy(text: str) -> str:
    return INVISIBLE.sub("", text)
