select
    measure,
    maal_navn,
    measure_name_en,
    unit,
    additive,
    per_patient
from {{ ref('maal') }}
