-- One figure per speciale, measure, geography, perspective and year. Where several tables
-- print it, the newest edition wins (int_document_editions), and within a document the region
-- table's own row wins over a Total row (Region Nordjylland is a row of the region tables and
-- the Total of the kommune tables), then the first table. The others are compared in
-- mart_afstemning (within a document) and mart_revisioner (between editions).
with ranked as (
    select
        f.*,
        e.edition_order,
        row_number() over (
            partition by f.speciale, f.measure, f.geo_code, f.perspective, f.year
            order by e.edition_order, f.is_total, f.caption_line
        ) as source_rank,
        count(*) over (partition by f.speciale, f.measure, f.geo_code, f.perspective, f.year) as n_sources
    from {{ ref('fct_maalinger') }} as f
    inner join {{ ref('int_document_editions') }} as e using (document_file)
    where f.figure_kind = 'vaerdi'
)

select * exclude (source_rank)
from ranked
where source_rank = 1
