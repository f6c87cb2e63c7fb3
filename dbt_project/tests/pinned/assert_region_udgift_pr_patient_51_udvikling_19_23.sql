-- The region's (Total of Tabel 21) udgift pr. patient on speciale 51 went from 872 kr. (2019)
-- to 924 kr. (2023): the document prints 6%, recomputed 5.96%.
select *
from (
    select
        count(*) as n,
        max(value_from) as v_from,
        max(value_to) as v_to,
        max(printed_udvikling) as printed,
        max(change_recomputed) as recomputed,
        bool_and(agrees_with_printed) as agrees
    from {{ ref('mart_udvikling_19_23') }}
    where
        speciale = '51' and measure = 'udgift_pr_patient_kr' and geo_code = '1081'
        and from_year = 2019 and to_year = 2023
)
where not (
    n = 1 and v_from = 872 and v_to = 924 and printed = 6
    and round(recomputed, 2) = 5.96 and agrees
)
