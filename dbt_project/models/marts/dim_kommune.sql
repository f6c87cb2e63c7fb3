select
    k.geo_code as kommune_code,
    k.geo_name as kommune_navn,
    k.region_code,
    r.geo_name as region_navn
from {{ ref('stg_geo') }} as k
left join {{ ref('stg_geo') }} as r on r.geo_code = k.region_code
where k.geo_level = 'kommune'
