-- Tabel 28 (speciale 62 by region, mio. kr.) prints the 2020 Total as "860.4": a slip for
-- 860,4. In kr. that is 860.400.000, and the regions add up to it.
select *
from (
    select
        count(*) as n,
        max(value) as v,
        max(raw_text) as raw
    from {{ ref('fct_maalinger') }}
    where
        speciale = '62' and measure = 'udgift_kr' and geo_code = 'DK' and year = 2020
        and unit_printed = 'mio. kr.'
)
where not (n = 1 and v = 860400000 and raw = '860.4')
