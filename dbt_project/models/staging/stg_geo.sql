select
    geo_code,
    geo_name,
    geo_level,
    region_code
from {{ source('raw', 'geo') }}
