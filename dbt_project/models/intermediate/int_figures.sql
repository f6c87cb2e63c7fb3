-- One figure per speciale, measure, geography, perspective and year. Where several tables
-- print it (Region Nordjylland is a row of the region tables and the Total of the kommune
-- tables; an OCR'd note repeats a table), the region table's own row wins over a Total row,
-- then the first table in the document. The others are counted and compared in mart_afstemning.
with ranked as (
    select
        *,
        row_number() over (
            partition by speciale, measure, geo_code, perspective, year
            order by is_total, document_file, caption_line
        ) as source_rank,
        count(*) over (partition by speciale, measure, geo_code, perspective, year) as n_sources
    from {{ ref('fct_maalinger') }}
    where figure_kind = 'vaerdi'
)

select * exclude (source_rank)
from ranked
where source_rank = 1
