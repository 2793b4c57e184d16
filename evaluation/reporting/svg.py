"""A matplotlib figure drawn once as SVG and cropped to what it shows.

`savefig(bbox_inches="tight")` lays a figure out twice, once to measure its content and
once to draw it; most of a report's run time went into that and into rasterizing and
compressing PNGs. An SVG is drawn once, and its view box is then set around the content
(labels outside the axes included), measured by the renderer that drew it. Letters
stay text (`svg.fonttype: none`, set by the report style).
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.figure import Figure


@dataclass(frozen=True)
class SvgDrawing:
    """A figure drawn once as SVG, cropped to what it shows (see `draw_svg`)."""

    #: the crop in the document's units (points): x, y, width, height
    box: tuple[float, float, float, float]
    #: the root element's attributes other than its size and view box
    attributes: str
    #: everything inside the root element
    content: str
    title: str
    #: what the figure shows, in words (the direction and size of what changed)
    description: str = ""

    def document(self) -> str:
        """The SVG file: its size in points, a white background, the figure's title and
        its description."""
        x, y, width, height = self.box
        label = f"<title>{html.escape(self.title)}</title>" if self.title else ""
        if self.description:
            label += f"<desc>{html.escape(self.description)}</desc>"
        return (
            '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
            f'<svg width="{width:.2f}pt" height="{height:.2f}pt" '
            f'viewBox="{x:.2f} {y:.2f} {width:.2f} {height:.2f}" role="img" '
            f'style="background-color: #fff"{self.attributes}>{label}{self.content}'
        )


#: matplotlib's root element: `<svg` + namespaces, size and view box + the rest + `>`
_SVG_ROOT = re.compile(
    r"<svg\b(?P<before>[^>]*?)\s+width=\"[^\"]*\"\s+height=\"[^\"]*\"\s+"
    r"viewBox=\"[^\"]*\"(?P<after>[^>]*)>"
)


def draw_svg(figure: Figure) -> SvgDrawing:
    """Draw `figure` once as SVG and crop it to its content; the figure is closed.

    `bbox_inches="tight"` lays the figure out twice (once to measure, once to draw); an
    SVG can instead be drawn once and given a view box around what it shows, labels
    outside the axes included.
    """
    # what `savefig(format="svg")` does, minus the second layout of a tight bounding box:
    # the drawing's own renderer measures the crop, from text sizes it has already cached
    from matplotlib.backends.backend_mixed import MixedModeRenderer
    from matplotlib.backends.backend_svg import RendererSVG

    buffer = io.StringIO()
    image_dpi = plt.rcParams["savefig.dpi"]  # for rasterized parts (many points)
    width, height = figure.get_size_inches()
    screen_dpi = figure.dpi
    figure.dpi = 72  # SVG's unit is the point
    try:
        renderer = MixedModeRenderer(
            figure,
            width,
            height,
            image_dpi,
            RendererSVG(
                width * 72, height * 72, buffer, image_dpi=image_dpi, metadata={"Date": None}
            ),
        )
        figure.draw(renderer)
        renderer.finalize()
        tight = figure.get_tightbbox(renderer).padded(plt.rcParams["savefig.pad_inches"])
    finally:
        figure.dpi = screen_dpi
    title = _title(figure)
    description = getattr(figure, _DESCRIPTION, "")
    plt.close(figure)
    document = buffer.getvalue()
    root = _SVG_ROOT.search(document)
    if root is None:  # pragma: no cover - matplotlib's SVG backend always writes these
        raise RuntimeError("matplotlib wrote an SVG root without size or view box")
    # SVG's y axis points down from the top, matplotlib's up from the bottom
    top = height - tight.y1
    return SvgDrawing(
        box=(tight.x0 * 72, top * 72, tight.width * 72, tight.height * 72),
        attributes=root["before"] + root["after"],
        content=_isolate_right_to_left(_strip_metadata(document[root.end() :])),
        title=title,
        description=description,
    )


#: the attribute of a Figure that holds its description (see `describe`)
_DESCRIPTION = "pilotkit_description"


def describe(figure: Figure, text: str) -> Figure:
    """Give `figure` a description of what it shows, for readers who cannot see it: the
    SVG's `<desc>`, which the HTML report adds to the image's alternative text."""
    setattr(figure, _DESCRIPTION, text)
    return figure


_TEXT = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")


def _isolate_right_to_left(content: str) -> str:
    """Each text element holding right-to-left letters (an Arabic question) inside
    Unicode isolates: the browser then orders it right to left, its full stop at its
    end, within a drawing whose direction is left to right."""
    from evaluation.reporting.i18n import isolated

    return _TEXT.sub(lambda m: m[1] + isolated(m[2]) + m[3], content)


def _strip_metadata(content: str) -> str:
    """The drawing without matplotlib's RDF metadata block (tool name and version)."""
    return re.sub(r"\s*<metadata>.*?</metadata>", "", content, count=1, flags=re.S)


def _title(figure: Figure) -> str:
    """The figure's accessible name: its axes' title."""
    for axis in figure.axes:
        for loc in ("left", "center", "right"):
            if text := axis.get_title(loc=loc):
                return text
    return ""
