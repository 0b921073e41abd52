-- every loaded document's id and key, for a check judged again over the whole warehouse
select
    doc.document_id,
    dep.department,
    doc.fiscal_year,
    doc.document_kind,
    doc.stage
from dim_document as doc
join dim_department as dep using (department_id)
order by doc.fiscal_year, dep.department, doc.document_kind, doc.stage
