-- The budget catalogue's proposals: one row per proposal of the catalogue's overview (number,
-- title, area, min/max) and budget year, with the amounts of the proposal's own economy table
-- ("Samlet, prioriteringsforslag" in its "2026 2027 2028 Permanent" block).
--
-- A proposal is its row of the overview (document, overview line): the printed numbers are not
-- unique (the overview numbers the psychiatry proposals 1.24-1.32 and then the digital, green
-- and political ones 1.27-1.43 again; the body numbers them once more in its own way). So a
-- proposal table is matched to an overview row by its title, not its number:
--   1. a proposal table and an overview row go together when each is the other's best match
--      and their titles resemble each other (Jaro-Winkler on lower case, at least
--      var('proposal_title_match')); the same number adds 0.1 to the match;
--   2. an overview row that got no table by title takes the tables with its number that no
--      row got by title ("1.7 Medicinområdet, vækst" / "1.7 Vækst i medicinudgifter").
-- An overview row without a table keeps its overview amounts and no year.
with cells as (
    select * from {{ ref('stg_cells') }}
),

tables as (
    select * from {{ ref('stg_tables') }}
),

overview as (
    select * from {{ ref('int_budget_overview_rows') }}
    where is_overview
),

proposal_tables as (
    -- a proposal's economy table: a block under the heading "<number> <title>"; the title
    -- without a heading the extractor appended (" – Udvikling og digitalisering")
    select
        t.table_id,
        t.document_file,
        t.caption_line,
        regexp_extract(t.table_caption, '^(\d+\.\d+)\s', 1) as item_number,
        regexp_replace(regexp_replace(t.table_caption, '^\d+\.\d+\s+', ''), ' – .*$', '') as proposal_title
    from tables as t
    where t.table_kind = 'block' and regexp_matches(t.table_caption, '^\d+\.\d+\s')
),

resemblance as (
    select
        p.table_id,
        p.item_number as table_item_number,
        p.proposal_title,
        p.caption_line,
        o.document_file,
        o.overview_line,
        o.item_number,
        jaro_winkler_similarity(lower(o.title), lower(p.proposal_title)) as title_similarity
    from proposal_tables as p
    inner join overview as o using (document_file)
),

by_title as (
    -- pairs that resemble each other enough and are each other's best match (the same number
    -- counts a little: "SUND: Akutmodtagelsen på RHN" resembles every "SUND: ..." title)
    select
        *,
        'title' as matched_by
    from (
        select
            *,
            title_similarity + case when table_item_number = item_number then 0.1 else 0 end as score
        from resemblance
    ) as scored
    where title_similarity >= {{ var('proposal_title_match') }}
    qualify
        rank() over (partition by table_id order by score desc) = 1
        and rank() over (partition by document_file, overview_line order by score desc) = 1
),

by_number as (
    select
        r.*,
        'number' as matched_by
    from resemblance as r
    where
        r.table_item_number = r.item_number
        and r.table_id not in (select t.table_id from by_title as t)
        and not exists (
            select 1 from by_title as b
            where b.document_file = r.document_file and b.overview_line = r.overview_line
        )
),

matched as (
    select * exclude (score) from by_title
    union all
    select * from by_number
),

per_year as (
    select
        m.document_file,
        m.overview_line,
        m.table_id as proposal_table_id,
        m.proposal_title,
        m.matched_by,
        m.title_similarity,
        case when c.year is not null then cast(c.year as varchar) else lower(c.column_label) end as budget_year,
        c.value as amount_mio_kr,
        c.value_low as amount_low_mio_kr,
        c.value_high as amount_high_mio_kr,
        c.raw_text,
        c.source_line
    from matched as m
    inner join cells as c on c.table_id = m.table_id
    where
        lower(c.row_label) like 'samlet, prioriteringsforslag%'
        and (c.year is not null or lower(c.column_label) = 'permanent')
    -- a proposal printed with several economy tables: the first one's figures
    qualify row_number() over (
        partition by m.document_file, m.overview_line, c.column_label
        order by c.source_line
    ) = 1
)

select
    o.document_file,
    o.overview_line,
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
    coalesce(y.source_line, o.overview_line) as source_line,
    y.proposal_table_id,
    y.proposal_title,
    y.matched_by,
    round(y.title_similarity, 3) as title_similarity
from overview as o
left join per_year as y
    on y.document_file = o.document_file and y.overview_line = o.overview_line
