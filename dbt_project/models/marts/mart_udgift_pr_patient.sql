-- Udgift pr. patient: one row per speciale, geography, perspective and year with the published
-- udgift pr. patient, and beside it the udgift, patients, ydelser and ydelser pr. patient the
-- documents give for the same speciale, place and year, each with its own perspective. The
-- implied patient counts divide two figures; their *_perspektiver column says which
-- perspectives were divided, and *_same_perspective whether they agree.
with figures as (
    select * from {{ ref('fct_maalinger_aktuelle') }}
),

base as (
    select * from figures
    where measure = 'udgift_pr_patient_kr'
),

candidates as (
    -- every other measure of the same speciale, place and year; the same perspective first,
    -- then a figure whose header names no perspective, then any
    select
        b.speciale,
        b.geo_code,
        b.perspective as base_perspective,
        b.year,
        f.measure,
        f.value,
        f.perspective,
        f.rounding,
        f.table_number,
        f.source_line,
        row_number() over (
            partition by b.speciale, b.geo_code, b.perspective, b.year, f.measure
            order by
                (f.perspective = b.perspective) desc, (f.perspective = 'ikke_angivet') desc,
                f.document_file, f.caption_line asc
        ) as pick
    from base as b
    inner join figures as f
        on
            f.speciale = b.speciale and f.geo_code = b.geo_code and f.year = b.year
            and f.measure in ('udgift_kr', 'patienter', 'ydelser', 'ydelser_pr_patient')
),

picked as (
    select
        speciale,
        geo_code,
        base_perspective,
        year,
        max(value) filter (where measure = 'udgift_kr') as udgift_kr,
        max(perspective) filter (where measure = 'udgift_kr') as udgift_perspective,
        max(rounding) filter (where measure = 'udgift_kr') as udgift_rounding,
        max(value) filter (where measure = 'patienter') as patienter,
        max(perspective) filter (where measure = 'patienter') as patienter_perspective,
        max(value) filter (where measure = 'ydelser') as ydelser,
        max(perspective) filter (where measure = 'ydelser') as ydelser_perspective,
        max(rounding) filter (where measure = 'ydelser') as ydelser_rounding,
        max(value) filter (where measure = 'ydelser_pr_patient') as ydelser_pr_patient,
        max(perspective) filter (where measure = 'ydelser_pr_patient') as ydelser_pr_patient_perspective,
        max(rounding) filter (where measure = 'ydelser_pr_patient') as ydelser_pr_patient_rounding
    from candidates
    where pick = 1
    group by all
)

select
    b.speciale,
    s.speciale_navn,
    b.geo_code,
    b.geo_name,
    b.geo_level,
    b.perspective,
    b.perspective_printed,
    b.year,
    b.value as udgift_pr_patient_kr,
    p.udgift_kr,
    p.udgift_perspective,
    p.patienter,
    p.patienter_perspective,
    p.ydelser,
    p.ydelser_perspective,
    p.ydelser_pr_patient,
    p.ydelser_pr_patient_perspective,
    round(p.udgift_kr / nullif(b.value, 0), 2) as implied_patienter_udgift,
    coalesce(p.udgift_perspective, '?') || ' / ' || b.perspective as implied_patienter_udgift_perspektiver,
    p.udgift_perspective = b.perspective as implied_patienter_udgift_same_perspective,
    -- how far the implied count can be off from the rounding of the two printed figures
    round(
        p.udgift_kr / nullif(b.value, 0)
        * (p.udgift_rounding / nullif(p.udgift_kr, 0) + b.rounding / nullif(b.value, 0)), 2)
        as implied_patienter_udgift_margin,
    round(p.ydelser / nullif(p.ydelser_pr_patient, 0), 2) as implied_patienter_ydelser,
    coalesce(p.ydelser_perspective, '?') || ' / ' || coalesce(p.ydelser_pr_patient_perspective, '?')
        as implied_patienter_ydelser_perspektiver,
    p.ydelser_perspective = p.ydelser_pr_patient_perspective as implied_patienter_ydelser_same_perspective,
    round(
        p.ydelser / nullif(p.ydelser_pr_patient, 0)
        * (
            p.ydelser_rounding / nullif(p.ydelser, 0)
            + p.ydelser_pr_patient_rounding / nullif(p.ydelser_pr_patient, 0)
        ), 2
    )
        as implied_patienter_ydelser_margin,
    b.document_file,
    b.table_number as udgift_pr_patient_table,
    b.source_line as udgift_pr_patient_line,
    b.raw_text as udgift_pr_patient_raw
from base as b
left join picked as p
    on
        p.speciale = b.speciale and p.geo_code = b.geo_code and p.base_perspective = b.perspective
        and p.year = b.year
left join {{ ref('dim_speciale') }} as s on s.speciale = b.speciale
