-- an amount of a fact: exactly as printed, the unit it was printed in, and in 元
    printed_amount decimal(18, 2) not null,
    unit varchar not null,
    amount_yuan decimal(22, 2) not null
