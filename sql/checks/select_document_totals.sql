-- a loaded document's printed totals the narrative states a change of: summary lines (t01, t04)
-- and the 三公 table's rows (first column), in 元, with where each is printed (NULL provenance
-- on rows loaded before it)
select table_key, side, item, amount_yuan, source_page, box_x0, box_top, box_x1, box_bottom
from fact_summary_line
where document_id = $document_id
union all
select table_key, 'rows' as side, item, amount_yuan, source_page, box_x0, box_top, box_x1, box_bottom
from fact_three_public
where document_id = $document_id and column_index = 0
