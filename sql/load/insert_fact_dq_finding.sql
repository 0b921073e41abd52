-- one document's findings (pipelines.warehouse.findings.findings_table: an Arrow table of the
-- table's own types, the figures exact DECIMALs)
insert into fact_dq_finding by name
select *
from frame
