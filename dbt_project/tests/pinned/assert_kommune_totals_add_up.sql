-- No total in the documents fails to add up today (the GX check blocks loads where one does):
-- the reconciliation has no 'totals' rows.
select * from {{ ref('mart_afstemning') }} where kind = 'totals'
