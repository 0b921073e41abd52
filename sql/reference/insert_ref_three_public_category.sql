insert into ref_three_public_category (position, pattern, category)
select
    position,
    pattern,
    category
from frame
