-- an amount in 元 as 万元, exact (the unit every view and analysis reports beside 元):
-- one definition, called by the views and analyses as `wan(amount_yuan)`
create or replace macro wan(yuan) as cast(yuan * 0.0001 as decimal(24, 6))
