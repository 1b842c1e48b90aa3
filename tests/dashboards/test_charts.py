"""The charts pygal draws, as the page embeds them: labelled for screen readers, no script, no
inline style (the Content Security Policy refuses it), and never a stale drawing."""

from datetime import date

from lxml import etree

from dashboards.charts import chart_css, chart_svg
from dashboards.selectors import Figure


def _figure(**changes):
    values = {
        "key": "letters",
        "title": "Feedback letters sent, opened and failed",
        "description": "Bars by week: 3 letters sent, 1 opened, 0 failed.",
        "columns": ["Week beginning", "Sent", "Opened", "Failed"],
        "rows": [[date(2026, 11, 2), 2, 1, 0], [date(2026, 11, 9), 1, 0, 0]],
        "series": 3,
    }
    return Figure(**{**values, **changes})


def test_the_svg_is_an_image_named_by_its_title_and_described():
    svg = etree.fromstring(chart_svg(_figure(), chart_id="chart-letters"))

    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-letters-title chart-letters-desc"
    ns = {"s": "http://www.w3.org/2000/svg"}
    titles = svg.xpath("//s:title", namespaces=ns)
    assert [(t.get("id"), t.text) for t in titles] == [
        ("chart-letters-title", "Feedback letters sent, opened and failed")
    ]
    assert svg.xpath("//s:desc", namespaces=ns)[0].text.startswith("Bars by week: 3 letters sent")
    assert not svg.xpath("//*[@style] | //s:script | //s:style", namespaces=ns)
    assert "2 Nov" in etree.tostring(svg, encoding="unicode")


def test_a_changed_figure_is_drawn_again():
    before = chart_svg(_figure(), chart_id="chart-letters")
    after = chart_svg(_figure(rows=[[date(2026, 11, 2), 9, 1, 0]]), chart_id="chart-letters")

    assert before != after
    assert chart_svg(_figure(), chart_id="chart-letters") == before


def test_the_stylesheet_colours_every_series_it_can_draw():
    css = chart_css()

    for n in range(10):
        assert f".app-chart .color-{n}" in css
