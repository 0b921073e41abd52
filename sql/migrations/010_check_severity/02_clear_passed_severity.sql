-- a passing check row loses the severity it would have failed with (ERROR, as stored before)
update fact_dq_check
set severity = null
where passed
