-- Tabel 21 of the practice plan's Bilag 1: Læsø's udgift pr. patient on speciale 51 in 2023
-- is printed "1.043 kr.". Returns a row (fails) unless the mart has exactly that.
select *
from (
    select
        count(*) as n,
        max(udgift_pr_patient_kr) as v,
        max(udgift_pr_patient_raw) as raw
    from {{ ref('mart_udgift_pr_patient') }}
    where speciale = '51' and geo_code = '825' and year = 2023 and perspective = 'behandlingssted'
)
where not (n = 1 and v = 1043 and raw = '1.043 kr.')
