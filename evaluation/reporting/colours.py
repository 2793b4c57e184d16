"""One colour language for every page and figure of a report.

Blue is better, grey is no change, amber is "look again", vermillion is worse (Okabe &
Ito 2008, "Color Universal Design": distinguishable with all common colour-vision
deficiencies). A verdict of the pilot, an area's status in the table, its dot in the
forest plot and a focus-group severity all speak it, and every colour is doubled by a
symbol and words, so nothing is read from colour alone.

Each meaning has a fill (figures: bars, dots) and a text shade of the same hue dark
enough for text on white (WCAG AA, at least 4.5:1).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tone:
    """A meaning's colours and symbol."""

    fill: str
    text: str
    symbol: str


BETTER = Tone(fill="#0072B2", text="#0067A1", symbol="▲")
STEADY = Tone(fill="#999999", text="#4a4a4a", symbol="■")
UNCLEAR = Tone(fill="#E69F00", text="#8a5a00", symbol="◆")
WORSE = Tone(fill="#D55E00", text="#A3440A", symbol="▼")
NO_DATA = Tone(fill="#cccccc", text="#5a5a5a", symbol="○")

#: an area's verdict (summary.json `dimensions[].verdict`)
AREA_TONES: dict[str, Tone] = {
    "improved": BETTER,
    "no_change": STEADY,
    "inconclusive": UNCLEAR,
    "declined": WORSE,
}

#: the pilot's verdict (summary.json `readiness.verdict`)
VERDICT_TONES: dict[str, Tone] = {
    "ready": Tone(fill=BETTER.fill, text=BETTER.text, symbol="✔"),
    "conditional": Tone(fill=UNCLEAR.fill, text=UNCLEAR.text, symbol="◐"),
    "not_ready": Tone(fill=WORSE.fill, text=WORSE.text, symbol="✖"),
    "insufficient_data": Tone(fill=NO_DATA.fill, text=NO_DATA.text, symbol="?"),
}

#: a traffic light of the overview table (`tables.dimension_overview`'s `light`)
LIGHT_TONES: dict[str, Tone] = {
    "blue": BETTER,
    "grey": STEADY,
    "amber": UNCLEAR,
    "red": WORSE,
    "none": NO_DATA,
}


def area_tone(verdict: str) -> Tone:
    """The tone of an area's verdict; an unknown one reads as unclear."""
    return AREA_TONES.get(verdict, UNCLEAR)
