-- Afstemning (reconciliation): every check of the documents against themselves, one row per
-- printed figure and what it is compared with, side by side, with a verdict.
--   totals             a printed total (Total, I alt, Sum, Hovedtotal, Danmark ...) against the
--                      sum of its parts, in every table of every document (stg_totals)
--   udvikling          a printed Udvikling against the change recomputed from its first and last year
--   implied_patienter  udgift / udgift pr. patient against ydelser / ydelser pr. patient
--   repeated           the same figure printed twice in a document: a region's figure in a region
--                      table and in a kommune table's Total; a budget proposal in the overview and
--                      in its area's section overview; a proposal's overview amount and its own
--                      economy table (two documents printing a figure differently: mart_revisioner)
-- verdict: agrees, or for totals slip / unexplained (see stg_totals), for the others disagrees.
with facts as (
    select * from {{ ref('fct_maalinger') }}
),

classified as (
    select
        table_id,
        speciale,
        measure
    from {{ ref('int_tables_classified') }}
),

totals as (
    select
        'totals' as kind,
        t.verdict,
        t.document_file,
        t.table_number,
        t.table_id,
        t.source_line,
        t.total_row as row_label,
        t.column_label,
        k.speciale,
        k.measure,
        c.geo_code,
        c.geo_name,
        null as perspective,
        cast(t.year as varchar) as period,
        c.unit,
        t.printed_total as printed_value,
        t.raw_text as printed_raw,
        t.sum_of_parts as recomputed_value,
        t.tolerance,
        t.interpretation || ' (' || t.n_parts || ' rows, lines ' || t.parts_from_line || '-'
        || t.parts_to_line || ')' as compared_with,
        t.table_number as compared_table_number,
        t.parts_from_line as compared_from_line,
        t.parts_to_line as compared_to_line
    from {{ ref('stg_totals') }} as t
    left join classified as k using (table_id)
    left join {{ ref('stg_cells') }} as c
        on
            c.table_id = t.table_id and c.source_line = t.source_line and c.column_label = t.column_label
            and c.raw_text = t.raw_text
),

udvikling as (
    select
        'udvikling' as kind,
        case when agrees_with_printed then 'agrees' else 'disagrees' end as verdict,
        document_file,
        table_number,
        table_id,
        source_line,
        geo_name as row_label,
        'Udvikling ' || from_year || '-' || to_year as column_label,
        speciale,
        measure,
        geo_code,
        geo_name,
        perspective,
        from_year || '-' || to_year as period,
        change_unit as unit,
        printed_udvikling as printed_value,
        printed_raw,
        change_recomputed as recomputed_value,
        tolerance,
        'the change from ' || from_year || ' to ' || to_year || ' of the same row' as compared_with,
        table_number as compared_table_number,
        source_line as compared_from_line,
        source_line as compared_to_line
    from {{ ref('mart_udvikling') }}
    where printed_udvikling is not null
),

implied as (
    select
        'implied_patienter' as kind,
        case
            when
                abs(implied_patienter_udgift - implied_patienter_ydelser)
                <= implied_patienter_udgift_margin + implied_patienter_ydelser_margin + 0.01
                then 'agrees'
            else 'disagrees'
        end as verdict,
        document_file,
        udgift_pr_patient_table as table_number,
        null as table_id,
        udgift_pr_patient_line as source_line,
        geo_name as row_label,
        cast(year as varchar) as column_label,
        speciale,
        'patienter (implied)' as measure,
        geo_code,
        geo_name,
        perspective,
        cast(year as varchar) as period,
        'antal' as unit,
        implied_patienter_udgift as printed_value,
        null as printed_raw,
        implied_patienter_ydelser as recomputed_value,
        -- + 0.01: both implied counts are stored to two decimals
        implied_patienter_udgift_margin + implied_patienter_ydelser_margin + 0.01 as tolerance,
        'ydelser / ydelser pr. patient' as compared_with,
        null as compared_table_number,
        null as compared_from_line,
        null as compared_to_line
    from {{ ref('mart_udgift_pr_patient') }}
    where implied_patienter_udgift is not null and implied_patienter_ydelser is not null
),

repeated_facts as (
    select
        'repeated' as kind,
        case when abs(a.value - b.value) <= a.rounding + b.rounding then 'agrees' else 'disagrees' end as verdict,
        a.document_file,
        a.table_number,
        a.table_id,
        a.source_line,
        a.row_label,
        a.column_label,
        a.speciale,
        a.measure,
        a.geo_code,
        a.geo_name,
        a.perspective,
        cast(a.year as varchar) as period,
        a.unit,
        a.value as printed_value,
        a.raw_text as printed_raw,
        b.value as recomputed_value,
        a.rounding + b.rounding as tolerance,
        'the same figure in Tabel ' || b.table_number || ' (row ' || b.row_label || ', line '
        || b.source_line || ')' as compared_with,
        b.table_number as compared_table_number,
        b.source_line as compared_from_line,
        b.source_line as compared_to_line
    from facts as a
    inner join facts as b
        on
            a.speciale = b.speciale and a.measure = b.measure and a.geo_code = b.geo_code
            and a.perspective = b.perspective and a.year = b.year and a.figure_kind = 'vaerdi'
            and b.figure_kind = 'vaerdi' and a.table_id < b.table_id
            and a.document_file = b.document_file
),

overview_rows as (
    select * from {{ ref('int_budget_overview_rows') }}
),

repeated_overview as (
    -- a section overview's row against the same proposal (number and title) in the overview
    select
        'repeated' as kind,
        case when abs(s.amount - o.amount) <= s.tolerance then 'agrees' else 'disagrees' end as verdict,
        s.document_file,
        null as table_number,
        s.table_id,
        s.overview_line as source_line,
        s.item_number || ' ' || s.title as row_label,
        s.column_label,
        null as speciale,
        null as measure,
        null as geo_code,
        null as geo_name,
        null as perspective,
        null as period,
        'mio. kr.' as unit,
        s.amount as printed_value,
        s.raw as printed_raw,
        o.amount as recomputed_value,
        s.tolerance,
        'the same proposal in the overview (line ' || o.overview_line || ')' as compared_with,
        null as compared_table_number,
        o.overview_line as compared_from_line,
        o.overview_line as compared_to_line
    from (
        select
            *,
            unnest(['Min.', 'Max.']) as column_label,
            unnest([overview_min_mio_kr, overview_max_mio_kr]) as amount,
            unnest([overview_min_raw, overview_max_raw]) as raw,
            {{ half_unit('decimals') }} * 2 as tolerance
        from overview_rows
        where not is_overview
    ) as s
    inner join (
        select
            *,
            unnest(['Min.', 'Max.']) as column_label,
            unnest([overview_min_mio_kr, overview_max_mio_kr]) as amount
        from overview_rows
        where is_overview
    ) as o
        on
            o.document_file = s.document_file and o.item_number = s.item_number
            and lower(o.title) = lower(s.title) and o.column_label = s.column_label
),

repeated_proposals as (
    -- a proposal's first budget year in its own economy table against its overview amount:
    -- within the overview's Min.-Max. (and the rounding of the figures printed)
    select
        'repeated' as kind,
        case
            when p.amount_mio_kr between p.overview_min_mio_kr - 0.05 and p.overview_max_mio_kr + 0.05
                then 'agrees'
            else 'disagrees'
        end as verdict,
        p.document_file,
        null as table_number,
        p.proposal_table_id as table_id,
        p.source_line,
        p.item_number || ' ' || p.title as row_label,
        p.budget_year as column_label,
        null as speciale,
        null as measure,
        null as geo_code,
        null as geo_name,
        null as perspective,
        p.budget_year as period,
        'mio. kr.' as unit,
        p.amount_mio_kr as printed_value,
        p.amount_raw as printed_raw,
        case
            when p.amount_mio_kr < p.overview_min_mio_kr then p.overview_min_mio_kr
            when p.amount_mio_kr > p.overview_max_mio_kr then p.overview_max_mio_kr
            else p.amount_mio_kr
        end as recomputed_value,
        0.05 as tolerance,
        'the overview''s Min.-Max. ' || p.overview_min_mio_kr || ' to ' || p.overview_max_mio_kr
        || ' (line ' || p.overview_line || ')' as compared_with,
        null as compared_table_number,
        p.overview_line as compared_from_line,
        p.overview_line as compared_to_line
    from {{ ref('mart_budget_prioriteringer') }} as p
    where
        p.amount_mio_kr is not null
        and p.budget_year = (
            select min(y.budget_year) from {{ ref('mart_budget_prioriteringer') }} as y
            where
                y.document_file = p.document_file
                and regexp_full_match(y.budget_year, '\d{4}')
        )
),

checks as (
    select * from totals
    union all by name
    select * from udvikling
    union all by name
    select * from implied
    union all by name
    select * from repeated_facts
    union all by name
    select * from repeated_overview
    union all by name
    select * from repeated_proposals
)

select
    kind,
    verdict,
    document_file,
    table_number,
    table_id,
    source_line,
    row_label,
    column_label,
    speciale,
    measure,
    geo_code,
    geo_name,
    perspective,
    period,
    unit,
    cast(printed_value as double) as printed_value,
    printed_raw,
    cast(recomputed_value as double) as recomputed_value,
    round(cast(printed_value as double) - cast(recomputed_value as double), 4) as difference,
    round(cast(tolerance as double), 4) as tolerance,
    compared_with,
    compared_table_number,
    compared_from_line,
    compared_to_line,
    case kind
        when 'totals' then 'A printed total against the sum of its parts'
        when 'udvikling' then 'A printed Udvikling against the change recomputed from its first and last year'
        when
            'implied_patienter'
            then
                'Patients implied by udgift / udgift pr. patient against those implied by ydelser / ydelser pr. patient'
        when 'repeated' then 'The same figure printed twice in the document'
    end as description
from checks
