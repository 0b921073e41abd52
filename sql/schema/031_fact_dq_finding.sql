-- one row per finding of a data-quality check on a document (department × fiscal year × kind
-- × stage): the row that broke the check's rule, the figures compared exact, the page
-- printing it; latest run only, written with the document's check rows (fact_dq_check).
-- This release's table is the one migration 011 creates, included as written there.
{{ migrations/011_dq_finding/01_fact_dq_finding }}
