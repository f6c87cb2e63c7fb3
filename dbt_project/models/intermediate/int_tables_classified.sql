-- The captioned tables with their classification: speciale, measure and whether the rows are
-- kommuner or regioner. Classified from each caption (never from its number) and the table's
-- cells when the document is loaded (orchestration/extract/classify.py, the one definition, which
-- the load checks use as well), so a new edition of a report classifies itself.
select
    table_id,
    document_file,
    table_number,
    table_caption,
    caption_line,
    perspective_printed,
    table_unit,
    speciale,
    measure,
    row_level
from {{ ref('stg_tables') }}
where table_kind = 'captioned'
