select
    speciale,
    speciale_navn,
    speciale_name_en
from {{ ref('specialer') }}
