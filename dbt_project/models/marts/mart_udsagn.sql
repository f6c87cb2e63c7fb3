-- Udsagn (statements): what the documents say about their own tables, checked against them.
-- One row per claim of a sentence; verdict agrees / contradicts / not_checkable, with the
-- table figure it was checked against. The claims are read and checked when a document is
-- loaded (orchestration/extract/statements.py); here they meet the document's title.
select
    s.document_file,
    d.document_title,
    s.source_line,
    s.end_line,
    s.sentence,
    s.clause,
    s.claim_kind,
    s.geo_code,
    s.geo_name,
    s.year,
    s.period_from,
    s.period_to,
    s.stated_value,
    s.stated_raw,
    s.direction,
    s.rank,
    s.table_number,
    s.table_id,
    s.verdict,
    s.reason,
    s.table_value,
    s.table_raw,
    s.table_line
from {{ ref('stg_statements') }} as s
left join {{ ref('stg_documents') }} as d using (document_file)
