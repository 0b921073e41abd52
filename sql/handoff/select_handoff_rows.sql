-- one document's hand-off rows (pipelines.handoff), amounts and the findings' figures as the
-- warehouse's exact DECIMALs
select
    * replace (
        cast(printed_amount as decimal(18, 2)) as printed_amount,
        cast(amount_yuan as decimal(22, 2)) as amount_yuan,
        cast(expected as decimal(38, 10)) as expected,
        cast(actual as decimal(38, 10)) as actual,
        cast(difference as decimal(38, 10)) as difference,
        cast(tolerance as decimal(38, 10)) as tolerance
    )
from frame
