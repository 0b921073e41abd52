-- the 功能分类 subjects of the tables whose codes the vocabulary files under dim_function_subject;
-- a code known for the year keeps its row as it is (updated to itself, so the statement
-- counts every subject the document uses)
insert into dim_function_subject by name
select * from filed_subjects('dim_function_subject', $fiscal_year)
on conflict do update set name = dim_function_subject.name
