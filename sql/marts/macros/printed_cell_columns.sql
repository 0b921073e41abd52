-- the columns of a staged cell a fact row of a grid table keeps: the cell's table, row and
-- column, whether its row or column is a total, and its printed amount
create or replace temp macro printed_cell_columns() as
'^(table_key|row_index|column_index|is_total_(row|column))$|' || printed_amount_columns()
