-- Afstemning (reconciliation): every place where the documents disagree with themselves.
--   totals      a Total that is not the sum of its kommuner/regioner (additive measures)
--   udvikling   a printed Udvikling that differs from the one recomputed from its years
--   implied_patienter  udgift / udgift pr. patient and ydelser / ydelser pr. patient imply
--               different patient counts (beyond the rounding of the four printed figures)
--   duplicate   the same figure printed in two tables of a document with different values
--               (two documents printing it differently: mart_revisioner)
with facts as (
    select f.*, m.additive
    from {{ ref('fct_maalinger') }} f
    join {{ ref('dim_measure') }} m using (measure)
),

totals as (
    select
        t.document_file, t.table_number, t.table_id, t.speciale, t.measure, t.geo_code,
        t.geo_name, t.perspective, cast(t.year as varchar) as period,
        t.value as printed_value,
        sum(p.value) as recomputed_value,
        any_value(t.rounding) + sum(p.rounding) as tolerance,
        t.source_line
    from facts t
    join facts p
      on p.table_id = t.table_id and p.col_index = t.col_index and not p.is_total
     and p.geo_level = t.row_level and p.figure_kind = 'vaerdi'
    where t.is_total and t.additive and t.figure_kind = 'vaerdi'
    group by all
),

udvikling as (
    select
        document_file, table_number, table_id, speciale, measure, geo_code, geo_name,
        perspective, from_year || '-' || to_year as period,
        printed_udvikling as printed_value, change_recomputed as recomputed_value,
        tolerance, source_line
    from {{ ref('mart_udvikling') }}
    where agrees_with_printed = false
),

implied as (
    select
        document_file, udgift_pr_patient_table as table_number, null as table_id, speciale,
        'patienter (implied)' as measure, geo_code, geo_name, perspective,
        cast(year as varchar) as period,
        implied_patienter_udgift as printed_value, implied_patienter_ydelser as recomputed_value,
        -- + 0.01: both implied counts are stored to two decimals
        implied_patienter_udgift_margin + implied_patienter_ydelser_margin + 0.01 as tolerance,
        udgift_pr_patient_line as source_line
    from {{ ref('mart_udgift_pr_patient') }}
    where implied_patienter_udgift is not null and implied_patienter_ydelser is not null
),

duplicates as (
    select
        a.document_file, a.table_number || ' vs ' || b.table_number as table_number,
        a.table_id, a.speciale, a.measure, a.geo_code, a.geo_name, a.perspective,
        cast(a.year as varchar) as period,
        a.value as printed_value, b.value as recomputed_value,
        a.rounding + b.rounding as tolerance,
        a.source_line
    from facts a
    join facts b
      on a.speciale = b.speciale and a.measure = b.measure and a.geo_code = b.geo_code
     and a.perspective = b.perspective and a.year = b.year and a.figure_kind = 'vaerdi'
     and b.figure_kind = 'vaerdi' and a.table_id < b.table_id
     and a.document_file = b.document_file  -- between editions: mart_revisioner
)

select
    kind,
    document_file,
    table_number,
    table_id,
    speciale,
    measure,
    geo_code,
    geo_name,
    perspective,
    period,
    printed_value,
    recomputed_value,
    round(printed_value - recomputed_value, 4) as difference,
    round(tolerance, 4) as tolerance,
    source_line,
    case kind
        when 'totals' then 'Total printed vs the sum of its rows'
        when 'udvikling' then 'Udvikling printed vs recomputed from the first and last year'
        when 'implied_patienter' then 'Patients implied by udgift / udgift pr. patient vs by ydelser / ydelser pr. patient'
        when 'duplicate' then 'The same figure printed in two tables'
    end as description
from (
    select 'totals' as kind, * from totals
    union all select 'udvikling', * from udvikling
    union all select 'implied_patienter', * from implied
    union all select 'duplicate', * from duplicates
)
where abs(printed_value - recomputed_value) > tolerance
