-- Incident evidence is now the JSON of a typed record per runbook, named by its "kind" (the
-- runbook). Evidence stored before carries no kind: it gets its incident's runbook, so that it
-- reads as its record (keys a record does not know are ignored). A suspected data breach is the
-- incident's breach_suspected column, no longer an evidence key.
UPDATE incident
   SET evidence = (evidence::jsonb - 'suspectedDataBreach' || jsonb_build_object('kind', runbook))::text
 WHERE evidence IS NOT NULL
   AND jsonb_typeof(evidence::jsonb) = 'object'
   AND NOT evidence::jsonb ? 'kind';
