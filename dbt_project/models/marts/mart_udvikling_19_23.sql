-- Udvikling 19-23 as the documents print it: the rows of mart_udvikling whose period is the one
-- the document's own Udvikling column covers (2019-2023 for the kommune tables, 2020-2023 for
-- the region tables; from_year and to_year say which). A new edition brings its own period.
select *
from {{ ref('mart_udvikling') }}
where printed_udvikling is not null
