-- Approval with hawkBit's semantics (issue #15): a rollout that needs approval waits in WAITING_FOR_APPROVAL
-- once its devices are taken in; an approver other than its creator approves or denies it, with a remark.
alter table rollout add column approval_required boolean not null default false;
alter table rollout add column created_by varchar(256);
alter table rollout add column approval_decided_by varchar(256);
alter table rollout add column approval_decided_at timestamp(6) with time zone;
alter table rollout add column approval_remark varchar(1024);
