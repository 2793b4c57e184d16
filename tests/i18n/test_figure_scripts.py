"""Report figures keep question texts in any script as text (SVG `<text>`), so the
reader's fonts draw Chinese, Khmer, Bengali and Arabic glyphs; matplotlib's own fonts,
which lack them, never turn them into outlines or empty boxes."""

from __future__ import annotations

import html
import re

import pandas as pd

from evaluation.reporting.figures import before_after_rates, use_report_style
from evaluation.reporting.svg import draw_svg

QUESTIONS = [
    "你知道311是什么吗？",  # Simplified Chinese
    "តើអ្នកដឹងថា 311 ជាអ្វីទេ?",  # Khmer
    "আপনি কি জানেন 311 কী?",  # Bengali
    "هل تعرف ما هو 311؟",  # Arabic
]


def test_question_texts_in_other_scripts_stay_text():
    use_report_style()
    rates = pd.DataFrame(
        {
            "label": QUESTIONS,
            "pre_rate": [0.2, 0.3, 0.4, 0.5],
            "post_rate": [0.6, 0.5, 0.45, 0.7],
            "verdict": ["real change"] * 4,
        }
    )
    document = draw_svg(before_after_rates(rates)).document()
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", document, re.S)]
    shown = " ".join(texts)
    for question in QUESTIONS:
        assert question in shown, question
    assert "<path" not in "".join(re.findall(r"<text[^>]*>.*?</text>", document, re.S))
