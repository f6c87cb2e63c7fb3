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

KOMMUNE_FIGURES = """
select s.speciale_navn || ' (' || m.speciale || ')' as speciale, m.geo_name as kommune, m.year,
       cast(m.udgift_pr_patient_kr as double) as udgift_pr_patient_kr
from marts.mart_udgift_pr_patient m join marts.dim_speciale s using (speciale)
where m.geo_level = 'kommune'
order by m.speciale, m.geo_name, m.year
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

AFSTEMNING = """
select kind, document_file, table_number, measure, geo_name, period,
       cast(printed_value as double) as printed_value,
       cast(recomputed_value as double) as recomputed_value,
       cast(difference as double) as difference, cast(tolerance as double) as tolerance,
       source_line, description
from marts.mart_afstemning
order by kind, table_number, geo_name, period
"""


def _table_html(df) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row)
                   + "</tr>" for row in df.itertuples(index=False))
    return f'<table class="findings"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def render_report(database: Path, out_dir: Path) -> Path:
    """Write out_dir/index.html (and plotly.min.js) from the marts of a DuckDB file."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        publish = con.execute("select publish_id, published_at, documents from meta.publish").fetchone()
        per_patient = con.execute(KOMMUNE_FIGURES).df()
        udvikling = con.execute(UDVIKLING).df()
        afstemning = con.execute(AFSTEMNING).df()
    finally:
        con.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "plotly.min.js").write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")

    fig1 = px.line(per_patient, x="year", y="udgift_pr_patient_kr", color="kommune",
                   facet_col="speciale", facet_col_wrap=2, markers=True, height=760,
                   labels={"year": "År", "udgift_pr_patient_kr": "Udgift pr. patient (kr.)"},
                   title="Udgift pr. patient pr. kommune og speciale, 2019-2023")
    fig1.update_yaxes(matches=None)
    fig2 = px.bar(udvikling, x="kommune", y="udvikling_pct", color="maal", barmode="group",
                  facet_col="speciale", facet_col_wrap=2, height=760,
                  hover_data=["trykt_pct", "from_year", "to_year"],
                  labels={"udvikling_pct": "Udvikling 19-23 (%)", "maal": "Mål"},
                  title="Udvikling 2019-2023 pr. kommune (genberegnet; den trykte værdi i hover)")
    afstemning["finding"] = ("Tabel " + afstemning["table_number"].astype(str) + " · "
                             + afstemning["geo_name"].astype(str) + " · " + afstemning["period"].astype(str)
                             + " · " + afstemning["measure"].astype(str))
    afstemning["relative_pct"] = 100 * afstemning["difference"] / afstemning["recomputed_value"].abs()
    fig3 = px.bar(afstemning, x="relative_pct", y="finding", color="kind", orientation="h",
                  height=max(320, 40 * len(afstemning) + 160),
                  hover_data=["printed_value", "recomputed_value", "tolerance", "source_line"],
                  labels={"relative_pct": "Trykt minus genberegnet / anden tabel (%)", "finding": "",
                          "kind": "Art"},
                  title=f"Afstemning: {len(afstemning)} steder hvor dokumenterne er uenige med sig selv")
    figures = "\n".join(
        f'<section id="{name}">{fig.to_html(full_html=False, include_plotlyjs=False, div_id=name + "-chart")}</section>'
        for name, fig in (("udgift-pr-patient", fig1), ("udvikling-19-23", fig2), ("afstemning", fig3)))
    page = f"""<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<title>Fysioterapi i Region Nordjylland: udgift pr. patient og udvikling 19-23</title>
<script src="plotly.min.js"></script>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table.findings {{ border-collapse: collapse; font-size: 0.85em; }}
table.findings td, table.findings th {{ border: 1px solid #ccc; padding: 2px 6px; }}
</style>
</head>
<body>
<h1>Fysioterapi i Region Nordjylland</h1>
<p>Publish <code>{html.escape(publish[0])}</code>, {publish[1]:%Y-%m-%d %H:%M} UTC, from {publish[2]}
documents. Figures are the documents' own; the lineage of every figure (document, table, line)
is in the warehouse's marts.</p>
{figures}
<h2>Afstemning (reconciliation findings)</h2>
{_table_html(afstemning.drop(columns=["finding", "relative_pct"]))}
</body>
</html>
"""
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
