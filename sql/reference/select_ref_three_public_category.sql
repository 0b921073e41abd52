select
    position,
    pattern,
    category
from ref_three_public_category
order by position
