"""The static HTML report, rendered from the marts of a published file (no Dagster here).

Plotly charts in one page, ``index.html``, with ``plotly.min.js`` beside it (taken from the
plotly package): static files that open from disk, no server and no network needed.
"""

from __future__ import annotations

import html
from pathlib import Path

import duckdb
import plotly.express as px
import plotly.offline

SPECIALE = "s.speciale_navn || ' (' || m.speciale || ')' as speciale"

KOMMUNE_FIGURES = f"""
select {SPECIALE}, m.geo_name as kommune, m.year,
       cast(m.udgift_pr_patient_kr as double) as udgift_pr_patient_kr
from marts.mart_udgift_pr_patient m join marts.dim_speciale s using (speciale)
where m.geo_level = 'kommune'
order by m.speciale, m.geo_name, m.year
"""

#: the regions and Danmark side by side (the region tables' years), Nordjylland first
REGION_FIGURES = f"""
select {SPECIALE}, m.geo_name as geografi, m.year,
       cast(m.udgift_pr_patient_kr as double) as udgift_pr_patient_kr
from marts.mart_udgift_pr_patient m join marts.dim_speciale s using (speciale)
where m.geo_level in ('region', 'land')
order by m.speciale, m.geo_code = '1081' desc, m.geo_level = 'land', m.geo_name, m.year
"""

#: Region Nordjylland's spending per speciale and year (its own row of the region tables)
SPENDING = f"""
select {SPECIALE}, m.year, cast(m.udgift_kr as double) / 1e6 as udgift_mio_kr
from marts.mart_udgift_pr_patient m join marts.dim_speciale s using (speciale)
where m.geo_code = '1081' and m.udgift_kr is not null
order by m.speciale, m.year
"""

UDVIKLING = """
select s.speciale_navn || ' (' || u.speciale || ')' as speciale, u.geo_name as kommune,
       d.maal_navn as maal, cast(u.change_recomputed as double) as udvikling_pct,
       cast(u.printed_udvikling as double) as trykt_pct, u.from_year, u.to_year
from marts.mart_udvikling_19_23 u
join marts.dim_speciale s using (speciale)
join marts.dim_measure d using (measure)
where u.geo_level = 'kommune' and u.measure in ('udgift_kr', 'udgift_pr_patient_kr', 'ydelser', 'patienter')
order by u.speciale, d.maal_navn, u.geo_name
"""

#: the proposals of the budget catalogue: the overview's minimum and maximum for 2026
BUDGET = """
select item_number || ' ' || title as forslag, any_value(area) as omraade,
       cast(any_value(overview_min_mio_kr) as double) as min_mio_kr,
       cast(any_value(overview_max_mio_kr) as double) as max_mio_kr
from marts.mart_budget_prioriteringer
where overview_min_mio_kr is not null
group by item_number, title
order by try_cast(split_part(item_number, '.', 1) as integer), try_cast(split_part(item_number, '.', 2) as integer)
"""

AFSTEMNING = """
select kind, verdict, document_file, table_number, source_line, row_label, column_label,
       printed_value, printed_raw, recomputed_value, difference, tolerance, compared_with
from marts.mart_afstemning
where verdict <> 'agrees'
order by document_file, kind, source_line, column_label
"""

#: one colour per kommune (Region Nordjylland has 11; Plotly's default palette has 10)
PALETTE = px.colors.qualitative.Dark24
NORDJYLLAND = "Region Nordjylland"


def _table_html(df) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row) + "</tr>"
        for row in df.itertuples(index=False)
    )
    return f'<table class="findings"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _facets(fig, rows: int = 2):
    """Facets that each keep their own axes, with labels: a speciale's scale is its own."""
    fig.update_yaxes(matches=None, showticklabels=True, rangemode="tozero")
    fig.update_xaxes(showticklabels=True, dtick=1)
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))
    fig.update_layout(margin={"l": 70, "r": 30, "t": 90, "b": 60})
    return fig


def _per_patient_lines(frame, colour_by: str, colours: dict, legend: str):
    """Udgift pr. patient by year, one line per kommune or region (``colour_by``), a facet per
    speciale."""
    return _facets(
        px.line(
            frame,
            x="year",
            y="udgift_pr_patient_kr",
            color=colour_by,
            color_discrete_map=colours,
            facet_col="speciale",
            facet_col_wrap=2,
            facet_col_spacing=0.08,
            facet_row_spacing=0.12,
            markers=True,
            height=780,
            labels={"year": "År", "udgift_pr_patient_kr": "kr. pr. patient", colour_by: legend},
        )
    )


def _charts(per_patient, regions, spending, udvikling, budget, afstemning):
    """The report's charts, in the page's order: (section id, heading, figure)."""
    kommuner = sorted(per_patient["kommune"].unique())
    colours = {k: PALETTE[n % len(PALETTE)] for n, k in enumerate(kommuner)}
    kommune = _per_patient_lines(per_patient, "kommune", colours, "Kommune")
    others = [g for g in regions["geografi"].unique() if g != NORDJYLLAND]
    region_colours = {
        NORDJYLLAND: "#111111",
        "Danmark": "#888888",
        **{g: PALETTE[12 + n] for n, g in enumerate(g for g in others if g != "Danmark")},
    }
    region = _per_patient_lines(regions, "geografi", region_colours, "")
    region.for_each_trace(
        lambda t: (
            t.update(line={"width": 4})
            if t.name == NORDJYLLAND
            else t.update(line={"dash": "dash"})
            if t.name == "Danmark"
            else None
        )
    )
    total = px.bar(
        spending,
        x="year",
        y="udgift_mio_kr",
        color="speciale",
        height=480,
        labels={"year": "År", "udgift_mio_kr": "mio. kr.", "speciale": "Speciale"},
    )
    total.update_xaxes(dtick=1)
    total.update_traces(hovertemplate="%{x}: %{y:.1f} mio. kr.")
    development = _facets(
        px.bar(
            udvikling,
            x="kommune",
            y="udvikling_pct",
            color="maal",
            barmode="group",
            facet_col="speciale",
            facet_col_wrap=2,
            facet_col_spacing=0.08,
            facet_row_spacing=0.2,
            height=820,
            hover_data=["trykt_pct", "from_year", "to_year"],
            labels={"udvikling_pct": "udvikling (%)", "maal": "Mål", "kommune": ""},
        )
    )
    development.update_xaxes(dtick=None, tickangle=-45)
    budget_chart = px.bar(
        budget.assign(spaend=budget["max_mio_kr"] - budget["min_mio_kr"], ingen=0.0),
        x="min_mio_kr",
        y="forslag",
        color="omraade",
        orientation="h",
        error_x="spaend",
        error_x_minus="ingen",
        height=max(400, 22 * len(budget) + 160),
        labels={
            "min_mio_kr": "mio. kr. i 2026 (minimum; linjen viser op til maksimum)",
            "forslag": "",
            "omraade": "Område",
        },
    )
    budget_chart.update_yaxes(autorange="reversed")
    budget_chart.update_layout(legend={"orientation": "h", "y": -0.08})
    table = ("Tabel " + afstemning["table_number"].fillna("").astype(str)).where(
        afstemning["table_number"].notna(), "linje " + afstemning["source_line"].astype(str)
    )
    afstemning["finding"] = (
        afstemning["document_file"].str[:3]
        + " · "
        + table
        + " · "
        + afstemning["row_label"].astype(str).str[:40]
        + " · "
        + afstemning["column_label"].astype(str)
    )
    afstemning["relative_pct"] = 100 * afstemning["difference"] / afstemning["recomputed_value"].abs()
    findings = px.bar(
        afstemning,
        x="relative_pct",
        y="finding",
        color="kind",
        orientation="h",
        height=max(320, 40 * len(afstemning) + 160),
        hover_data=["verdict", "printed_raw", "recomputed_value", "tolerance", "source_line", "compared_with"],
        labels={"relative_pct": "trykt minus genberegnet eller anden tabel (%)", "finding": "", "kind": "Art"},
    )
    return [
        ("udgift-pr-patient", "Udgift pr. patient pr. kommune og speciale, 2019-2023", kommune),
        ("regioner", "Region Nordjylland mod de andre regioner og Danmark: udgift pr. patient", region),
        ("udgift-i-alt", "Region Nordjyllands udgift pr. speciale og år", total),
        ("udvikling-19-23", "Udvikling 2019-2023 pr. kommune (genberegnet; den trykte værdi i hover)", development),
        ("budget", "Budgetkataloget: forslagene i oversigten, 2026", budget_chart),
        ("afstemning", f"Afstemning: {len(afstemning)} steder hvor dokumenterne er uenige med sig selv", findings),
    ]


def render_report(database: Path, out_dir: Path) -> Path:
    """Write out_dir/index.html (and plotly.min.js) from the marts of a DuckDB file."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        publish = con.execute("select publish_id, published_at, documents from meta.publish").fetchone()
        frames = [
            con.execute(q).df() for q in (KOMMUNE_FIGURES, REGION_FIGURES, SPENDING, UDVIKLING, BUDGET, AFSTEMNING)
        ]
    finally:
        con.close()
    afstemning = frames[-1]
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "plotly.min.js").write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
    charts = _charts(*frames)
    figures = "\n".join(
        f'<section id="{name}"><h2>{html.escape(title)}</h2>'
        f"{fig.to_html(full_html=False, include_plotlyjs=False, div_id=name + '-chart')}</section>"
        for name, title, fig in charts
    )
    contents = "".join(f'<li><a href="#{name}">{html.escape(title)}</a></li>' for name, title, _ in charts)
    page = f"""<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<title>Fysioterapi i Region Nordjylland: udgift pr. patient og udvikling 19-23</title>
<script src="plotly.min.js"></script>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 1400px; }}
h2 {{ margin-top: 2em; font-size: 1.2em; }}
table.findings {{ border-collapse: collapse; font-size: 0.85em; }}
table.findings td, table.findings th {{ border: 1px solid #ccc; padding: 2px 6px; }}
</style>
</head>
<body>
<h1>Fysioterapi i Region Nordjylland</h1>
<p>Publish <code>{html.escape(publish[0])}</code>, {publish[1]:%Y-%m-%d %H:%M} UTC, from {publish[2]}
documents. Figures are the documents' own; the lineage of every figure (document, table, line)
is in the warehouse's marts.</p>
<ul>{contents}</ul>
{figures}
<h2>Afstemning (reconciliation findings)</h2>
{_table_html(afstemning.drop(columns=["finding", "relative_pct"]))}
</body>
</html>
"""
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
