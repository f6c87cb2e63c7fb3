-- Which document is the newer edition. Several documents may print the same figure (next
-- year's plan reprints earlier years; a corrected reissue beside the first issue): the marts
-- take it from the newest. The rule, in order:
--   1. the catalogue date (sources/catalogue.csv), read as the first day it can mean
--      ('2025' = 2025-01-01, '2025-10' = 2025-10-01); a document without a date comes last;
--   2. the later published into the warehouse;
--   3. the later file name.
-- edition_order 1 is the newest document.
with documents as (
    select
        *,
        case
            when regexp_matches(document_date, '^\d{4}$') then make_date(cast(document_date as integer), 1, 1)
            when regexp_matches(document_date, '^\d{4}-\d{2}$') then try_cast(document_date || '-01' as date)
            else try_cast(document_date as date)
        end as edition_date
    from {{ ref('stg_documents') }}
)

select
    document_file,
    document_title,
    document_date,
    edition_date,
    published_at,
    row_number() over (order by edition_date desc nulls last, published_at desc, document_file desc)
        as edition_order
from documents
