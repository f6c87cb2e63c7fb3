select
    file as document_file,
    title as document_title,
    publisher,
    doc_date as document_date,
    sha256,
    load_id,
    published_at
from {{ source('raw', 'documents') }}
