"""Cell formats of the fill-in templates, in one place."""

from __future__ import annotations

from typing import Any

from qwb.xlsx import Formats

INPUT_FILL = "#FFF2CC"
SCORE_FILL = "#E2EFDA"
HEADER_FILL = "#1F4E78"
BAND_FILL = "#F3F6FA"
KEY_COLOR = "#7F7F7F"
#: conditional fills of a 填报值: consolidation will refuse it; only consolidation can read it (得分 待核)
WRONG_FILL = "#FF9999"
CHECK_FILL = "#F4B183"

NUMBER_FORMATS = {"%": "0.00%", "‰": "@", "count": "0", "score": "0.0#", "": "General"}


class Styles(Formats):
    """The templates' named formats, each created once per workbook."""

    def title(self) -> Any:
        return self.get(bold=True, font_size=14)

    def header(self) -> Any:
        return self.get(bold=True, font_color="white", bg_color=HEADER_FILL, border=1, align="center",
                        text_wrap=True)

    def label(self) -> Any:
        return self.get(bold=True, align="right")

    def text(self, band: bool = False, wrap: bool = False, top: int = 0, **extra: Any) -> Any:
        props: dict[str, Any] = {"border": 1, "border_color": "#BFBFBF", "text_wrap": wrap, **extra}
        if band:
            props["bg_color"] = BAND_FILL
        if top:
            props["top"] = top
            props["top_color"] = "#404040"
        return self.get(**props)

    def input(self, num_format: str = "General", top: int = 0, wrap: bool = False) -> Any:
        props: dict[str, Any] = {"bg_color": INPUT_FILL, "border": 1, "border_color": "#BF8F00", "locked": False,
                                 "num_format": num_format, "text_wrap": wrap}
        if top:
            props["top"] = top
        return self.get(**props)

    def score(self, top: int = 0) -> Any:
        props: dict[str, Any] = {"bg_color": SCORE_FILL, "border": 1, "border_color": "#BFBFBF", "bold": True,
                                 "num_format": "0.00"}
        if top:
            props["top"] = top
            props["top_color"] = "#404040"
        return self.get(**props)

    def key(self, top: int = 0) -> Any:
        props: dict[str, Any] = {"font_color": KEY_COLOR, "font_size": 8, "border": 1, "border_color": "#BFBFBF"}
        if top:
            props["top"] = top
        return self.get(**props)
