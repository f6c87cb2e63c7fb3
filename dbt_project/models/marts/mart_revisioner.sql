-- Revisioner: every figure that a newer edition prints with another value than an older one
-- (beyond the rounding of the two printings). A figure is keyed by speciale, measure,
-- geography, perspective and year (or Udvikling period); each document contributes its own
-- preferred printing (as in fct_maalinger_aktuelle), and each older document's printing is compared with
-- the newest one, which the marts publish.
with printings as (
    select
        f.*,
        e.edition_order,
        e.document_date,
        row_number() over (
            partition by
                f.speciale, f.measure, f.geo_code, f.perspective, f.figure_kind,
                f.year, f.period_from, f.period_to, f.document_file
            order by f.is_total, f.caption_line
        ) as rank_in_document
    from {{ ref('fct_maalinger') }} as f
    inner join {{ ref('int_document_editions') }} as e using (document_file)
),

per_document as (
    select
        *,
        row_number() over (
            partition by speciale, measure, geo_code, perspective, figure_kind, year, period_from, period_to
            order by edition_order
        ) as edition_rank
    from printings
    where rank_in_document = 1
),

newest as (
    select * from per_document
    where edition_rank = 1
),

older as (
    select * from per_document
    where edition_rank > 1
)

select
    n.speciale,
    n.measure,
    n.figure_kind,
    n.geo_code,
    n.geo_name,
    n.perspective,
    n.year,
    n.period_from,
    n.period_to,
    n.unit,
    o.value as old_value,
    o.raw_text as old_raw_text,
    n.value as new_value,
    n.raw_text as new_raw_text,
    round(n.value - o.value, 6) as difference,
    round(n.rounding + o.rounding, 6) as tolerance,
    o.document_file as old_document_file,
    o.document_date as old_document_date,
    o.table_number as old_table_number,
    o.table_id as old_table_id,
    o.source_line as old_source_line,
    n.document_file as new_document_file,
    n.document_date as new_document_date,
    n.table_number as new_table_number,
    n.table_id as new_table_id,
    n.source_line as new_source_line
from older as o
inner join newest as n
    on
        n.speciale = o.speciale and n.measure = o.measure and n.geo_code = o.geo_code
        and n.perspective = o.perspective and n.figure_kind = o.figure_kind
        and n.year is not distinct from o.year
        and n.period_from is not distinct from o.period_from
        and n.period_to is not distinct from o.period_to
where abs(n.value - o.value) > n.rounding + o.rounding
