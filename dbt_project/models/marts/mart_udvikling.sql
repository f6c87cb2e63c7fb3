-- Udvikling over any first and last year: one row per printed series (a table row of a
-- speciale and measure), from its first to its last year column, with the change recomputed
-- and, where the document prints an Udvikling for exactly that period, the printed figure
-- and whether the two agree within the rounding of the printed numbers. Percentage points
-- for shares. The next edition (2020-2024) gets its rows with no code change; a period printed
-- by several editions comes from the newest (int_document_editions).
with facts as (
    select * from {{ ref('fct_maalinger') }}
),

series as (
    select
        table_id,
        row_index,
        min(year) as from_year,
        max(year) as to_year
    from facts
    where figure_kind = 'vaerdi'
    group by table_id, row_index
    having count(distinct year) >= 2
),

ends as (
    select
        s.table_id,
        s.row_index,
        s.from_year,
        s.to_year,
        a.document_file,
        a.table_number,
        a.table_caption,
        a.caption_line,
        a.speciale,
        a.measure,
        a.geo_code,
        a.geo_name,
        a.geo_level,
        a.row_level,
        a.is_total,
        a.perspective,
        a.perspective_printed,
        a.unit,
        a.value as value_from,
        a.rounding as rounding_from,
        a.source_line,
        b.value as value_to,
        b.rounding as rounding_to
    from series as s
    inner join facts as a
        on
            a.table_id = s.table_id and a.row_index = s.row_index
            and a.figure_kind = 'vaerdi' and a.year = s.from_year
    inner join facts
        as b on b.table_id = s.table_id and b.row_index = s.row_index
    and b.figure_kind = 'vaerdi' and b.year = s.to_year
),

printed as (
    select
        table_id,
        row_index,
        period_from,
        period_to,
        value as printed_udvikling,
        unit as printed_unit,
        rounding as printed_rounding,
        raw_text as printed_raw
    from facts
    where figure_kind = 'udvikling'
),

computed as (
    select
        e.*,
        e.value_to - e.value_from as change_absolute,
        case when e.unit = '%' then 'procentpoint' else '%' end as change_unit,
        case
            when e.unit = '%' then e.value_to - e.value_from
            else round(100 * (e.value_to / nullif(e.value_from, 0) - 1), 4)
        end as change_recomputed,
        p.printed_udvikling,
        p.printed_unit,
        p.printed_raw,
        -- the printed Udvikling is rounded, and so are the two figures it was computed from
        case
            when e.unit = '%'
                then p.printed_rounding + e.rounding_from + e.rounding_to
            else
                p.printed_rounding
                + 100 * (
                    (e.value_to + e.rounding_to) / nullif(e.value_from - e.rounding_from, 0)
                    - e.value_to / nullif(e.value_from, 0)
                )
        end as tolerance
    from ends as e
    left join printed as p
        on
            p.table_id = e.table_id and p.row_index = e.row_index
            and p.period_from = e.from_year and p.period_to = e.to_year
),

ranked as (
    -- one row per series and period: from the newest edition, then the first table
    select
        c.*,
        row_number() over (
            partition by c.speciale, c.measure, c.geo_code, c.perspective, c.row_level, c.from_year, c.to_year
            order by e.edition_order, c.caption_line
        ) as source_rank
    from computed as c
    inner join {{ ref('int_document_editions') }} as e using (document_file)
)

select
    speciale,
    measure,
    geo_code,
    geo_name,
    geo_level,
    row_level,
    is_total,
    perspective,
    perspective_printed,
    from_year,
    to_year,
    value_from,
    value_to,
    unit,
    change_absolute,
    change_recomputed,
    change_unit,
    printed_udvikling,
    printed_raw,
    round(tolerance, 4) as tolerance,
    case
        when printed_udvikling is null then null
        else abs(printed_udvikling - change_recomputed) <= tolerance
    end as agrees_with_printed,
    document_file,
    table_number,
    table_id,
    source_line
from ranked
where source_rank = 1
