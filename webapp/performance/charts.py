"""Server-side charts (pygal SVG) for printing and export: the same data the browser draws from the JSON."""
import sys

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from pygal import HorizontalBar, Line
from pygal.style import Style

# pygal appends an old-style import hook (find_module only, for its map plugins, which we do not use) to
# sys.meta_path; importers that call find_spec on every hook (pytest's) then fail. It is taken out again.
sys.meta_path[:] = [hook for hook in sys.meta_path if type(hook).__name__ != "PluginImportFixer"]

STYLE = Style(background="white", plot_background="white", foreground="#222", foreground_strong="#111",
              foreground_subtle="#666", colors=("#a61b1b", "#1f6f43", "#b26a00", "#2b5797"),
              font_family='"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif',
              title_font_size=18, label_font_size=13, major_label_font_size=13, legend_font_size=14)
CHARTS = ("rates", "categories", "hotspots")
RATE_LINES = (("response_rate", _l("Response rate")), ("resolution_rate", _l("Resolution rate")),
              ("satisfaction_rate", _l("Satisfaction rate")))


SCREEN, PAPER = (800, 360), (480, 280)  # on paper a smaller canvas prints its labels larger


def _options(title, size) -> dict:
    return {"style": STYLE, "title": str(title), "js": [], "disable_xml_declaration": True, "width": size[0],
            "height": size[1], "no_data_text": str(_l("No cases in this period"))}


def rates_chart(data: dict, size) -> str:
    chart = Line(**_options(_l("Rates over time"), size), range=(0, 100), show_dots=True, dots_size=3,
                 value_formatter=lambda v: f"{v:.1f}%", x_label_rotation=30, show_minor_x_labels=False)
    chart.x_labels = [row["start"][5:] for row in data["series"]]
    chart.x_labels_major = chart.x_labels[::max(1, len(chart.x_labels) // 10)]
    for key, label in RATE_LINES:
        chart.add(str(label), [None if row[key] is None else row[key] * 100 for row in data["series"]])
    return chart.render(is_unicode=True)


def _bars(title, rows: list[tuple[str, int]], size) -> str:
    chart = HorizontalBar(**_options(title, size), show_legend=False, print_values=True)
    chart.x_labels = [label for label, _value in reversed(rows)]
    chart.add(str(_l("Cases")), [value for _label, value in reversed(rows)])
    return chart.render(is_unicode=True)


def categories_chart(data: dict, size) -> str:
    return _bars(_l("Cases by category"), [(row["name"], row["cases"]) for row in data["categories"][:12]], size)


def hotspots_chart(data: dict, size) -> str:
    return _bars(_l("Hotspot alleys: most new cases"), [(row["name"], row["cases"]) for row in data["hotspots"]],
                 size)


def render(name: str, data: dict, size=SCREEN) -> str:
    return {"rates": rates_chart, "categories": categories_chart, "hotspots": hotspots_chart}[name](data, size)


def inline(name: str, data: dict) -> Markup:
    """For the printed brief: pygal escapes the labels it writes, so the SVG is safe to embed."""
    return Markup(render(name, data, PAPER))
