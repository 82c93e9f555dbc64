-- The ticket-issue transaction of sportelli.services.ticket_issue, straight
-- on PostgreSQL: take the next daily number of a line (one upsert on the
-- sequence row, which locks it until commit), insert the ticket, insert its
-- "issued" event. Days far in the future keep it apart from real tickets,
-- and spread the keys so that no line passes its 999 numbers.
\set branch random(:branch_min, :branch_max)
\set line random(:line_min, :line_max)
\set day random(1, 3000)
BEGIN;
INSERT INTO sportelli_ticketsequence (created_at, updated_at, issued_on, last_number, branch_id, line_id)
  VALUES (now(), now(), date '2090-01-01' + :day, 1, :branch, :line)
  ON CONFLICT (branch_id, line_id, issued_on)
  DO UPDATE SET last_number = sportelli_ticketsequence.last_number + 1, updated_at = now()
  RETURNING last_number AS number \gset
INSERT INTO sportelli_ticket (created_at, updated_at, letter, issued_on, number, issued_at, channel,
    priority, public_code, status, call_reason, recall_count, branch_id, line_id)
  VALUES (now(), now(), chr(64 + :line % 26), date '2090-01-01' + :day, :number, now(), 'pgbench',
    false, md5(random()::text), 'waiting', '', 0, :branch, :line)
  RETURNING id AS ticket \gset
INSERT INTO sportelli_ticketevent (created_at, updated_at, kind, at, data, ticket_id)
  VALUES (now(), now(), 'issued', now(), '{"pgbench": true}', :ticket);
COMMIT;
