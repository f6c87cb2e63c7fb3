select
    geo_code as region_code,
    geo_name as region_navn
from {{ ref('stg_geo') }}
where geo_level = 'region'
