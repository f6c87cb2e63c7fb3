-- The budget catalogue's overview rows: every numbered row under Min. and Max. columns, with
-- its title, area and amounts. The overview (is_overview) is the Min./Max. block of its
-- document with the most numbered rows; the other blocks are the section overviews the body
-- prints again before each area's proposals (mart_afstemning compares them with the overview).
with cells as (
    select * from {{ ref('stg_cells') }}
),

tables as (
    select * from {{ ref('stg_tables') }}
),

min_max_rows as (
    select
        c.document_file,
        c.table_id,
        c.row_index,
        c.item_number,
        any_value(c.row_label) as title,
        any_value(c.section) as area,
        max(c.value) filter (where c.column_label = 'Min.') as overview_min_mio_kr,
        max(c.value) filter (where c.column_label = 'Max.') as overview_max_mio_kr,
        max(c.raw_text) filter (where c.column_label = 'Min.') as overview_min_raw,
        max(c.raw_text) filter (where c.column_label = 'Max.') as overview_max_raw,
        max(c.decimals) as decimals,
        min(c.source_line) as overview_line
    from cells as c
    inner join tables as t using (table_id)
    where
        t.table_kind = 'block' and c.item_number is not null
        and c.column_label in ('Min.', 'Max.')
    group by c.document_file, c.table_id, c.row_index, c.item_number
),

overview_tables as (
    select
        document_file,
        table_id
    from min_max_rows
    group by document_file, table_id
    qualify row_number() over (partition by document_file order by count(*) desc, table_id) = 1
)

select
    r.*,
    o.table_id is not null as is_overview
from min_max_rows as r
left join overview_tables as o using (document_file, table_id)
