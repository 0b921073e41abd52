-- one document's hand-off rows (pipelines.handoff), amounts as the warehouse's exact DECIMALs
select
    * replace (
        cast(printed_amount as decimal(18, 2)) as printed_amount,
        cast(amount_yuan as decimal(22, 2)) as amount_yuan
    )
from frame
