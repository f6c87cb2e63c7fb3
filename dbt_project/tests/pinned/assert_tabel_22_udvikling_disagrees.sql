-- Tabel 22 prints 8% for Region Nordjylland's ydelser on speciale 51 2020-23, where its own
-- years (323.411 to 352.708) give +9.06%: the reconciliation must list it.
select *
from (
    select count(*) as n from {{ ref('mart_afstemning') }}
    where
        kind = 'udvikling' and speciale = '51' and measure = 'ydelser' and geo_code = '1081'
        and period = '2020-2023' and printed_value = 8 and round(recomputed_value, 2) = 9.06
)
where n <> 1
