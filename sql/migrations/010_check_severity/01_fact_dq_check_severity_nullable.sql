-- a passed check has no severity (it failed with none): ERROR or WARN for a failed check only
alter table fact_dq_check alter column severity drop not null
