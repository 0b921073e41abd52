-- check rows of a unit budget loaded by schema version 2 take its kind (by the edition checked)
update fact_dq_check
set document_kind = dim_document.document_kind
from dim_document
where dim_document.sha256 = fact_dq_check.sha256
    and dim_document.fiscal_year = fact_dq_check.fiscal_year
    and dim_document.document_kind <> fact_dq_check.document_kind
