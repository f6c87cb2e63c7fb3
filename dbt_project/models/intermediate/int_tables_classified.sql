-- What each table measures, read from its caption (never from its number), so a new edition
-- of a report classifies itself: speciale, measure, and whether its rows are kommuner or
-- regioner.
with tables as (
    select * from {{ ref('stg_tables') }}
),

row_levels as (
    select
        table_id,
        mode(geo_level) filter (where not is_total and geo_level in ('kommune', 'region')) as row_level
    from {{ ref('stg_cells') }}
    group by table_id
),

classified as (
    select
        t.table_id,
        t.document_file,
        t.table_number,
        t.table_caption,
        t.caption_line,
        t.perspective_printed,
        t.table_unit,
        nullif(regexp_extract(lower(t.table_caption), 'speciale\s+(\d{2})', 1), '') as speciale,
        case
            when regexp_matches(lower(t.table_caption), 'pr\.?\s*1\.?000\s+indbyggere')
                then 'patienter_pr_1000_indbyggere'
            when
                regexp_matches(lower(t.table_caption), 'udgift')
                and regexp_matches(lower(t.table_caption), 'pr\.?\s+patient')
                then 'udgift_pr_patient_kr'
            when
                regexp_matches(lower(t.table_caption), 'ydelse')
                and regexp_matches(lower(t.table_caption), 'pr\.?\s+patient')
                then 'ydelser_pr_patient'
            when
                regexp_matches(lower(t.table_caption), 'holdtræning')
                and regexp_matches(lower(t.table_caption), 'andel')
                then 'andel_holdtraening'
            when regexp_matches(lower(t.table_caption), 'udgift') then 'udgift_kr'
            when regexp_matches(lower(t.table_caption), 'ydelse') then 'ydelser'
            when regexp_matches(lower(t.table_caption), 'patient') then 'patienter'
        end as measure,
        r.row_level
    from tables as t
    left join row_levels as r using (table_id)
    where t.table_kind = 'captioned'
)

select * from classified
