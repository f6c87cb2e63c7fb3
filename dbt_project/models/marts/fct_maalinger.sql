-- The long fact: one row per published figure of a classified table (speciale and measure
-- known) on a geography, typed and standardised, with its lineage.
with cells as (
    select * from {{ ref('stg_cells') }}
),

tables as (
    select * from {{ ref('int_tables_classified') }}
    where speciale is not null and measure is not null
)

select
    c.document_file,
    c.table_id,
    c.table_number,
    t.table_caption,
    t.caption_line,
    t.speciale,
    t.measure,
    case when c.period_from is not null then 'udvikling' else 'vaerdi' end as figure_kind,
    c.geo_code,
    c.geo_name,
    c.geo_level,
    t.row_level,
    c.is_total,
    case coalesce(c.perspective_printed, t.perspective_printed)
        when 'yder' then 'behandlingssted'
        when 'producerende' then 'behandlingssted'
        when 'patient' then 'bopael'
        when 'borger' then 'bopael'
        when 'forbrugende' then 'bopael'
        else 'ikke_angivet'
    end as perspective,
    coalesce(c.perspective_printed, t.perspective_printed) as perspective_printed,
    c.year,
    c.period_from,
    c.period_to,
    c.value * {{ kr_scale('c.unit') }} as value,
    case when c.unit in ('mio. kr.', 'mia. kr.') then 'kr.' else c.unit end as unit,
    c.value as value_printed,
    c.unit as unit_printed,
    {{ half_unit('c.decimals') }} * {{ kr_scale('c.unit') }} as rounding,
    c.decimals,
    c.row_label,
    c.column_label,
    c.raw_text,
    c.source_line,
    c.read_as,
    c.row_index,
    c.col_index
from cells as c
inner join tables as t using (table_id)
where
    c.geo_code is not null
    and c.value is not null
