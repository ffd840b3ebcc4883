"""The one place a Chinese font for the PDFs is found and registered with reportlab.

reportlab embeds TrueType fonts as subsets (only the glyphs used), with a ToUnicode map, so the
text renders on any machine and extracts as Chinese. It reads TrueType outlines only: a ``.ttf``,
or one face of a ``.ttc`` collection. CFF-flavoured OpenType (Noto/Source Han ``.otf`` and their
``.ttc``) fails to load and is skipped.

Search order: ``resources/fonts/`` (a font shipped with the build), then the system's fonts —
Debian's WenQuanYi Zen Hei / Micro Hei, Windows' SimHei / SimSun / Microsoft YaHei. The first
that loads wins; ``FIELDBOOK_CJK_FONT`` (a path, optionally ``path#index``) overrides the search.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from desktop.domain.resources import resource_path

FONT_NAME = "FieldbookCJK"
ENV_OVERRIDE = "FIELDBOOK_CJK_FONT"
_WINDOWS_FONTS = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"

# (path, face index within a .ttc)
SYSTEM_CANDIDATES: tuple[tuple[Path, int], ...] = (
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (_WINDOWS_FONTS / "simhei.ttf", 0),
    (_WINDOWS_FONTS / "simsun.ttc", 0),
    (_WINDOWS_FONTS / "msyh.ttc", 0),
    (_WINDOWS_FONTS / "msyh.ttf", 0),
    (Path("/Library/Fonts/Arial Unicode.ttf"), 0),
)
FONT_SUFFIXES = (".ttf", ".ttc")


class FontNotFound(RuntimeError):
    """No usable Chinese TrueType font (the message is Chinese and says what to install)."""


@dataclass(frozen=True, slots=True)
class CjkFont:
    """The registered font: its reportlab name and where it came from."""

    name: str
    path: Path
    index: int


def _candidates() -> list[tuple[Path, int]]:
    found: list[tuple[Path, int]] = []
    override = os.environ.get(ENV_OVERRIDE)
    if override:
        path, _, index = override.partition("#")
        found.append((Path(path), int(index) if index.isdigit() else 0))
    shipped = resource_path("fonts")
    if shipped.is_dir():
        found.extend((p, 0) for p in sorted(shipped.iterdir()) if p.suffix.lower() in FONT_SUFFIXES)
    found.extend(SYSTEM_CANDIDATES)
    return found


@functools.cache
def cjk_font() -> CjkFont:
    """Find, load and register the Chinese font once per process; raises ``FontNotFound``."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    tried = []
    for path, index in _candidates():
        if not path.is_file():
            continue
        try:
            font = TTFont(FONT_NAME, str(path), subfontIndex=index)
        except (TTFError, OSError, ValueError) as exc:
            tried.append(f"{path}: {exc}")
            continue
        pdfmetrics.registerFont(font)
        return CjkFont(FONT_NAME, path, index)
    detail = ("; 试过: " + "; ".join(tried)) if tried else ""
    raise FontNotFound(
        "找不到可用的中文字体(TrueType): 请把 .ttf/.ttc 字体放进 resources/fonts/,"
        "或安装 fonts-wqy-zenhei(Windows 自带黑体 simhei.ttf 亦可)" + detail
    )
