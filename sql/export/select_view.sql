-- every row of one public view (the caller adds the year / department filter the view allows)
select *
from query_table($view)
