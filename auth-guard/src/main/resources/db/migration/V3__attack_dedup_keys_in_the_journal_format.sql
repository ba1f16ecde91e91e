-- Attack keys take the one dedup-key format of ops-kit's journal, service/class/subject (a '/' in
-- the subject, an IPv6 network's, becomes '_'), so that an attack going on across the upgrade
-- stays one episode instead of starting a second one under the new key.
UPDATE attack AS old
SET dedup_key = 'auth-guard/' || old.attack_class || '/' || replace(old.subject, '/', '_')
WHERE old.dedup_key = 'auth-guard:authentication-abuse:' || old.attack_class || ':' || old.subject
  AND NOT EXISTS (
    SELECT 1 FROM attack AS new
    WHERE new.dedup_key = 'auth-guard/' || old.attack_class || '/' || replace(old.subject, '/', '_'));
