select
    table_id,
    file as document_file,
    table_number,
    caption as table_caption,
    kind as table_kind,
    status as table_status,
    stub as header_stub,
    perspective as perspective_printed,
    unit as table_unit,
    caption_line,
    end_line,
    cast(n_rows as integer) as n_rows,
    cast(n_cells as integer) as n_cells,
    measure,
    speciale,
    row_level
from {{ source('raw', 'current_tables') }}
