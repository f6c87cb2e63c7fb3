-- The budget overview: 1.17 "Konsolidering af Afdeling for Hud- og Kønssygdomme", 3,8 mio. kr.
select *
from (select
    count(*) as n,
    max(overview_min_mio_kr) as mn,
    max(overview_max_mio_kr) as mx,
    max(area) as area
from {{ ref('mart_budget_prioriteringer') }}
where item_number = '1.17' and title like 'Konsolidering af Afdeling for Hud- og Kønssygdomme%')
where not (n >= 1 and mn = 3.8 and mx = 3.8 and area = 'Robustgørelse af de somatiske hospitaler')
