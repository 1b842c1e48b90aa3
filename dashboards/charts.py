"""Charts drawn on the server by pygal as accessible SVG (docs/adr/0011-dashboards-charts-and-aggregates.md).

Every chart is drawn from a ``Figure`` (the same rows the table beside it and the CSV show), so
the three can never disagree. pygal draws; this module only makes the drawing fit the page:

- the ``<svg>`` gets ``role="img"`` and ``aria-labelledby`` pointing at a ``<title>`` (the
  figure's title) and a ``<desc>`` (what it shows, in words), the pattern screen readers announce;
- pygal's tooltips and script are left out: the table beside the chart carries the numbers,
  and the page works without JavaScript;
- pygal's stylesheet is served from our own origin (``chart_css`` at /dashboards/charts.css),
  because the Content Security Policy allows no inline ``<style>`` in the page.
"""

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pygal
from lxml import etree
from pygal.style import Style

SVG_NS = "http://www.w3.org/2000/svg"
# GOV.UK Frontend's colour palette, in an order where neighbours stay distinguishable.
GOVUK_COLOURS = (
    "#1d70b8",  # blue
    "#f47738",  # orange
    "#00703c",  # green
    "#d4351c",  # red
    "#4c2c92",  # purple
    "#28a197",  # turquoise
    "#912b88",  # bright purple
    "#505a5f",  # dark grey
    "#b58840",  # brown
    "#5694ca",  # light blue
)

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    opacity="1",
    opacity_hover="1",
    transition="0s",
    colors=GOVUK_COLOURS,
    font_family='"GDS Transport", arial, sans-serif',
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=16,
    value_font_size=14,
    no_data_font_size=20,
)

KINDS = {
    "line": pygal.Line,
    "bar": pygal.Bar,
    "stacked": pygal.StackedBar,
    "horizontal": pygal.HorizontalBar,
}
CSS_SCOPE = ".app-chart "


def _config(kind: str, *, labels: list[str], series: int):
    many = len(labels) > 12
    return KINDS[kind](
        style=STYLE,
        js=[],
        css=[],  # its stylesheet is served once, by chart_css
        disable_xml_declaration=True,
        width=800,
        height=420 if kind != "horizontal" else max(260, 40 * len(labels) + 120),
        show_legend=series > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(series, 4) or 1,
        x_label_rotation=45 if many else 0,
        show_minor_x_labels=not many or len(labels) <= 31,
        x_labels_major_every=max(1, len(labels) // 12) if many else None,
        truncate_label=-1,
        truncate_legend=-1,
        print_values=False,
        show_dots=len(labels) <= 62,
        dots_size=3,
        margin=16,
        no_data_text="Nothing to show for these dates",
        min_scale=2,
        max_scale=8,
    )


def chart_svg(figure, *, chart_id: str) -> str:
    """The figure as an inline ``<svg>``: labelled, described, no script, no tooltips.

    Drawing is the slow part of a dashboard (pygal takes 5 to 40 ms a chart), and a drawing
    depends on nothing but the figure, so an unchanged figure is drawn once: the cache is keyed
    by every number in it, and can never show a stale chart."""
    return _drawn(
        chart_id,
        figure.chart,
        figure.series,
        figure.title,
        figure.description,
        tuple(figure.columns),
        tuple(tuple(row) for row in figure.rows),
    )


@dataclass(frozen=True)
class _Drawing:
    chart: str
    series: int
    title: str
    description: str
    columns: tuple
    rows: tuple


@lru_cache(maxsize=512)
def _drawn(chart_id, kind, series, title, description, columns, rows) -> str:
    return _draw(_Drawing(kind, series, title, description, columns, rows), chart_id=chart_id)


def _draw(figure, *, chart_id: str) -> str:
    labels = _labels([row[0] for row in figure.rows])
    series_names = figure.columns[1 : 1 + figure.series]
    chart = _config(figure.chart, labels=labels, series=len(series_names))
    chart.x_labels = labels
    values = [row[index] for row in figure.rows for index in range(1, 1 + len(series_names))]
    if all(isinstance(value, int) for value in values):
        chart.y_labels = _whole_number_ticks(
            max(values, default=0) if figure.chart != "stacked" else _stacked_max(figure)
        )
    for index, name in enumerate(series_names, start=1):
        chart.add(name, [row[index] for row in figure.rows])
    tree = chart.render_tree()
    return _accessible(tree, chart_id=chart_id, title=figure.title, desc=figure.description)


def _labels(values) -> list[str]:
    """Dates as people read them: "Nov 2026" for months, "2 Nov" for days and weeks."""
    dates = [v for v in values if isinstance(v, date)]
    monthly = (
        len(dates) == len(values)
        and all(d.day == 1 for d in dates)
        and (len(dates) < 2 or (dates[1] - dates[0]).days >= 28)
    )
    return [
        (f"{v:%b %Y}" if monthly else f"{v:%-d %b}") if isinstance(v, date) else str(v)
        for v in values
    ]


def _whole_number_ticks(top: int) -> list[int]:
    """Counts are whole numbers: ticks at 0, 1, 2... or every 2, 5, 10... up past the top."""
    top = max(top, 1)
    step = next(
        s
        for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 50_000)
        if top / s <= 8
    )
    return list(range(0, top + step, step))


def _stacked_max(figure) -> int:
    return max((sum(row[1 : 1 + figure.series]) for row in figure.rows), default=0)


def _accessible(tree, *, chart_id: str, title: str, desc: str) -> str:
    tree.set("id", chart_id)
    tree.set("class", "pygal-chart app-chart__svg")
    tree.set("role", "img")
    tree.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    tree.set("focusable", "false")
    for node in list(tree):
        if not isinstance(node.tag, str) or node.tag.split("}")[-1] in {"title", "desc", "defs"}:
            tree.remove(node)  # pygal's comments, title, and <defs> (its inline style and script)
    for tooltip in tree.xpath("//*[contains(concat(' ', @class, ' '), ' tooltip ')]"):
        tooltip.getparent().remove(tooltip)
    for node in tree.xpath("//*[local-name()='title' or local-name()='desc']"):
        node.getparent().remove(node)  # the guides' and values' own labels: the table has them
    for node in tree.xpath("//*[@style]"):
        del node.attrib["style"]  # the Content Security Policy refuses inline style attributes
    title_node = etree.Element("title", id=f"{chart_id}-title")
    title_node.text = title
    desc_node = etree.Element("desc", id=f"{chart_id}-desc")
    desc_node.text = desc
    tree.insert(0, desc_node)
    tree.insert(0, title_node)
    return etree.tostring(tree, encoding="unicode")


@lru_cache(maxsize=1)
def chart_css() -> str:
    """pygal's own stylesheet for our style, scoped to ``.app-chart`` rather than to one chart's
    generated id, so one cached file serves every chart."""
    chart = pygal.Bar(style=STYLE, js=[], disable_xml_declaration=True)
    for n in range(len(GOVUK_COLOURS)):  # pygal writes a colour rule per series drawn
        chart.add(f"series {n}", [1])
    svg = chart.render(is_unicode=True)
    styles = re.findall(r"<style[^>]*>(.*?)</style>", svg, flags=re.S)
    chart_id = re.search(r'id="(chart-[^"]+)"', svg).group(1)
    css = "\n".join(styles).replace("&gt;", ">").replace(f"#{chart_id} ", CSS_SCOPE)
    css = css.replace(f"#{chart_id}", CSS_SCOPE.strip())
    # Our additions: the chart scales with the column, prints, and shows no hover effects.
    return css + (
        "\n.app-chart svg{width:100%;height:auto;max-width:800px;display:block}"
        "\n.app-chart .reactive{fill-opacity:1;stroke-opacity:1}"
        "\n.app-chart .line.reactive{fill:none;stroke-width:3}"
        "\n@media print{.app-chart svg{max-width:100%;break-inside:avoid}}"
    )


__all__ = ["chart_css", "chart_svg"]
