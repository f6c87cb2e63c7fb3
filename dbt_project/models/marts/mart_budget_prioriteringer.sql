-- The budget catalogue's proposals: number, title and area from the overview (with its
-- min/max amount), and the amount per year from each proposal's own economy table
-- ("Samlet, prioriteringsforslag" in its "2026 2027 2028 Permanent" block).
with cells as (
    select * from {{ ref('stg_cells') }}
),

tables as (
    select * from {{ ref('stg_tables') }}
),

overview as (
    -- numbered rows of an uncaptioned block whose columns are Min. and Max.
    select
        c.document_file,
        c.item_number,
        any_value(c.row_label) as title,
        any_value(c.section) as area,
        max(c.value) filter (where c.column_label = 'Min.') as overview_min_mio_kr,
        max(c.value) filter (where c.column_label = 'Max.') as overview_max_mio_kr,
        min(c.source_line) as overview_line
    from cells c
    join tables t using (table_id)
    where t.table_kind = 'block' and c.item_number is not null
      and c.column_label in ('Min.', 'Max.')
    group by c.document_file, c.item_number
),

proposal_tables as (
    -- a proposal's economy table: a block under the heading "<number> <title>"
    select
        t.table_id,
        t.document_file,
        regexp_extract(t.table_caption, '^(\d+\.\d+)\s', 1) as item_number
    from tables t
    where t.table_kind = 'block' and regexp_matches(t.table_caption, '^\d+\.\d+\s')
),

per_year as (
    select
        p.document_file,
        p.item_number,
        case when c.year is not null then cast(c.year as varchar) else lower(c.column_label) end as budget_year,
        c.value as amount_mio_kr,
        c.value_low as amount_low_mio_kr,
        c.value_high as amount_high_mio_kr,
        c.raw_text,
        c.source_line,
        row_number() over (partition by p.document_file, p.item_number, c.column_label
                           order by c.source_line) as pick
    from proposal_tables p
    join cells c on c.table_id = p.table_id
    where lower(c.row_label) like 'samlet, prioriteringsforslag%'
      and (c.year is not null or lower(c.column_label) = 'permanent')
)

select
    o.document_file,
    o.item_number,
    o.title,
    o.area,
    o.overview_min_mio_kr,
    o.overview_max_mio_kr,
    y.budget_year,
    y.amount_mio_kr,
    y.amount_low_mio_kr,
    y.amount_high_mio_kr,
    y.raw_text as amount_raw,
    coalesce(y.source_line, o.overview_line) as source_line
from overview o
left join per_year y
  on y.document_file = o.document_file and y.item_number = o.item_number and y.pick = 1
