{{/*
The properties of one service as a JSON object (property name → value): shared settings, then the
runbook values the service owns, then services.<name>.config (which wins). Null values are left out,
so the service's own default applies. Call with (dict "root" $ "name" "<service>").
*/}}
{{- define "clinical-ops.properties" -}}
{{- $root := .root -}}
{{- $rb := $root.Values.runbooks -}}
{{- $p := dict -}}
{{- $_ := set $p "clinicalops.ops-state.config-map-name" $root.Values.opsState.configMapName -}}
{{- if $root.Values.dryRun -}}
{{- $_ := set $p "clinicalops.dry-run" "true" -}}
{{- end -}}
{{- $_ := set $p "quarkus.rest-client.audit-keeper.url" "http://audit-keeper:8080" -}}
{{- $_ := set $p "quarkus.rest-client.rollback-orchestrator.url" "http://rollback-orchestrator:8080" -}}
{{- if eq .name "auth-guard" -}}
{{- $pre := "clinicalops.auth-guard" -}}
{{- $a := $rb.authenticationAbuse -}}
{{- $_ := set $p (printf "%s.abuse.max-failures-per-ip" $pre) $a.maxFailuresPerIp -}}
{{- $_ := set $p (printf "%s.abuse.window" $pre) $a.window -}}
{{- $_ := set $p (printf "%s.abuse.block-ttl" $pre) $a.blockTtl -}}
{{- $_ := set $p (printf "%s.abuse.max-block-ttl" $pre) $a.maxBlockTtl -}}
{{- if $a.allowlist -}}
{{- $_ := set $p (printf "%s.abuse.allowlist" $pre) (join "," $a.allowlist) -}}
{{- end -}}
{{- $_ := set $p (printf "%s.abuse.revoke-targeted-accounts" $pre) $a.revokeTargetedAccounts -}}
{{- $_ := set $p (printf "%s.abuse.max-automatic-revocations" $pre) $a.maxAutomaticRevocations -}}
{{- $_ := set $p (printf "%s.abuse.revocation-window" $pre) $a.revocationWindow -}}
{{- $_ := set $p (printf "%s.abuse.attack-expiry" $pre) $a.attackExpiry -}}
{{- range $policy, $limit := $rb.rateLimits -}}
{{- $_ := set $p (printf "%s.policies.%s.limit" $pre $policy) $limit.limit -}}
{{- $_ := set $p (printf "%s.policies.%s.window" $pre $policy) $limit.window -}}
{{- end -}}
{{- $o := $rb.rateLimitOverwhelmed -}}
{{- $_ := set $p (printf "%s.overwhelmed.limited-share" $pre) $o.limitedShare -}}
{{- $_ := set $p (printf "%s.overwhelmed.window" $pre) $o.window -}}
{{- $_ := set $p (printf "%s.overwhelmed.min-active-clients" $pre) $o.minActiveClients -}}
{{- $_ := set $p (printf "%s.overwhelmed.relief.enabled" $pre) $o.relief.enabled -}}
{{- $_ := set $p (printf "%s.overwhelmed.relief.factor" $pre) $o.relief.factor -}}
{{- $_ := set $p (printf "%s.overwhelmed.relief.duration" $pre) $o.relief.duration -}}
{{- if $o.relief.excludedPolicies -}}
{{- $_ := set $p (printf "%s.overwhelmed.relief.excluded-policies" $pre) (join "," $o.relief.excludedPolicies) -}}
{{- end -}}
{{- $_ := set $p (printf "%s.overwhelmed.relief.min-returning-share" $pre) $o.relief.minReturningShare -}}
{{- else if eq .name "db-sentinel" -}}
{{- $pre := "clinicalops.db-sentinel" -}}
{{- $d := $rb.databaseConnectivity -}}
{{- $_ := set $p (printf "%s.probe.interval" $pre) $d.probeInterval -}}
{{- $_ := set $p (printf "%s.probe.timeout" $pre) $d.probeTimeout -}}
{{- $_ := set $p (printf "%s.response.detection-delay" $pre) $d.detectionDelay -}}
{{- $_ := set $p (printf "%s.response.failover-delay" $pre) $d.failoverDelay -}}
{{- $_ := set $p (printf "%s.response.settling-time" $pre) $d.settlingTime -}}
{{- $_ := set $p (printf "%s.response.mode-lease" $pre) $d.modeLease -}}
{{- $_ := set $p (printf "%s.saturation.threshold" $pre) $d.saturationThreshold -}}
{{- $_ := set $p (printf "%s.leader.lease-name" $pre) "db-sentinel-leader" -}}
{{- else if eq .name "audit-keeper" -}}
{{- $pre := "clinicalops.audit-keeper" -}}
{{- $l := $rb.auditLog -}}
{{- $dir := (index $root.Values.services "audit-keeper").persistence.mountPath -}}
{{- $_ := set $p (printf "%s.spool.directory" $pre) (printf "%s/spool" $dir) -}}
{{- $_ := set $p (printf "%s.retention.directory" $pre) (printf "%s/archive" $dir) -}}
{{- $_ := set $p (printf "%s.retention.max-age" $pre) $l.retention -}}
{{- $_ := set $p (printf "%s.retention.every" $pre) $l.archiveEvery -}}
{{- $_ := set $p (printf "%s.probe.database-quota" $pre) $l.databaseQuota -}}
{{- $_ := set $p (printf "%s.probe.warn-ratio" $pre) $l.quotaWarnRatio -}}
{{- $_ := set $p (printf "%s.probe.incident-ratio" $pre) $l.quotaIncidentRatio -}}
{{- $_ := set $p (printf "%s.probe.interval" $pre) $l.writeProbeInterval -}}
{{- $_ := set $p (printf "%s.database.write-timeout" $pre) $l.writeTimeout -}}
{{- else if eq .name "error-watch" -}}
{{- $pre := "clinicalops.error-watch" -}}
{{- $e := $rb.errorRateSpike -}}
{{- $_ := set $p (printf "%s.alert.threshold" $pre) $e.threshold -}}
{{- $_ := set $p (printf "%s.alert.duration" $pre) $e.duration -}}
{{- $_ := set $p (printf "%s.alert.min-requests" $pre) $e.minRequests -}}
{{- $_ := set $p (printf "%s.decision.deploy-correlation-window" $pre) $e.deployCorrelationWindow -}}
{{- $_ := set $p (printf "%s.decision.rollback-mode" $pre) $e.rollbackMode -}}
{{- $_ := set $p (printf "%s.deploys.namespace" $pre) (include "clinical-ops.appNamespace" $root) -}}
{{- $_ := set $p (printf "%s.deploys.watched-apps" $pre) (join "," $root.Values.app.deployments) -}}
{{- else if eq .name "rollback-orchestrator" -}}
{{- $pre := "clinicalops.rollback-orchestrator" -}}
{{- $r := $rb.rollback -}}
{{- $x := $rb.escalation -}}
{{- $_ := set $p (printf "%s.rollback.namespace" $pre) (include "clinical-ops.appNamespace" $root) -}}
{{- $_ := set $p (printf "%s.rollback.targets" $pre) (join "," (include "clinical-ops.rollbackTargets" $root | fromJsonArray)) -}}
{{- $_ := set $p (printf "%s.rollback.mode" $pre) $r.mode -}}
{{- $_ := set $p (printf "%s.rollback.cooldown" $pre) $r.cooldown -}}
{{- $_ := set $p (printf "%s.rollback.max-automatic-per-hour" $pre) $r.maxAutomaticPerHour -}}
{{- $_ := set $p (printf "%s.rollback.progress-deadline" $pre) $r.progressDeadline -}}
{{- with $r.backups -}}
{{- $_ := set $p (printf "%s.database-rollback.backups.max-per-hour-for-services" $pre) .maxPerHourForServices -}}
{{- $_ := set $p (printf "%s.database-rollback.backups.keep" $pre) .keep -}}
{{- $_ := set $p (printf "%s.database-rollback.backups.max-age" $pre) .maxAge -}}
{{- $_ := set $p (printf "%s.database-rollback.backups.min-free-space-bytes" $pre) .minFreeSpaceBytes -}}
{{- end -}}
{{- if $root.Values.app.healthUrl -}}
{{- $_ := set $p (printf "%s.rollback.health-url" $pre) $root.Values.app.healthUrl -}}
{{- end -}}
{{- $_ := set $p (printf "%s.database-rollback.backup-directory" $pre) (printf "%s/backups" (index $root.Values.services "rollback-orchestrator").backups.mountPath) -}}
{{- if include "clinical-ops.opsDatabaseSharedBy" $root -}}
{{- /* The ops state shares the app database: a restore leaves the ops schemas as they are (the service's default as well; written out so the rendered config shows it). */ -}}
{{- $_ := set $p (printf "%s.database-rollback.preserved-schemas" $pre) "audit_keeper,auth_guard,error_watch,rollback_orchestrator" -}}
{{- end -}}
{{- range $level := list "p0" "p1" "p2" "p3" -}}
{{- $_ := set $p (printf "%s.escalation.%s-levels" $pre $level) (join "," (index $x (printf "%sLevels" $level))) -}}
{{- $_ := set $p (printf "%s.escalation.%s-ack-deadline" $pre $level) (index $x (printf "%sAckDeadline" $level)) -}}
{{- end -}}
{{- $sp := $root.Values.statusPage -}}
{{- $_ := set $p (printf "%s.status-page.name" $pre) $sp.name -}}
{{- $_ := set $p (printf "%s.status-page.page-id" $pre) $sp.pageId -}}
{{- if $sp.publicUrl -}}
{{- $_ := set $p (printf "%s.status-page.public-url" $pre) $sp.publicUrl -}}
{{- end -}}
{{- $_ := set $p (printf "%s.status-page.history-days" $pre) $sp.historyDays -}}
{{- $_ := set $p (printf "%s.status-page.refresh-seconds" $pre) $sp.refreshSeconds -}}
{{- $_ := set $p (printf "%s.status-page.read-only-is-partial-outage" $pre) $sp.readOnlyIsPartialOutage -}}
{{- $_ := set $p (printf "%s.status-page.notices.after" $pre) $sp.noticeAfter -}}
{{- with $sp.subscriptions -}}
{{- $_ := set $p (printf "%s.status-page.subscriptions.max-per-ip-per-hour" $pre) .maxPerIpPerHour -}}
{{- $_ := set $p (printf "%s.status-page.subscriptions.max-per-hour" $pre) .maxPerHour -}}
{{- $_ := set $p (printf "%s.status-page.subscriptions.max-unconfirmed" $pre) .maxUnconfirmed -}}
{{- $_ := set $p (printf "%s.status-page.subscriptions.confirm-within" $pre) .confirmWithin -}}
{{- end -}}
{{- range $id, $c := $sp.components -}}
{{- $_ := set $p (printf "%s.status-page.components.%s.name" $pre $id) $c.name -}}
{{- $_ := set $p (printf "%s.status-page.components.%s.runbooks" $pre $id) (join "," $c.runbooks) -}}
{{- if $c.description -}}
{{- $_ := set $p (printf "%s.status-page.components.%s.description" $pre $id) $c.description -}}
{{- end -}}
{{- if $c.position -}}
{{- $_ := set $p (printf "%s.status-page.components.%s.position" $pre $id) $c.position -}}
{{- end -}}
{{- end -}}
{{- if $sp.smtp.host -}}
{{- $_ := set $p "quarkus.mailer.host" $sp.smtp.host -}}
{{- $_ := set $p "quarkus.mailer.port" $sp.smtp.port -}}
{{- $_ := set $p "quarkus.mailer.from" $sp.smtp.from -}}
{{- $_ := set $p "quarkus.mailer.start-tls" $sp.smtp.startTls -}}
{{- $_ := set $p "quarkus.mailer.tls" $sp.smtp.tls -}}
{{- if $sp.smtp.username -}}
{{- $_ := set $p "quarkus.mailer.username" $sp.smtp.username -}}
{{- end -}}
{{- end -}}
{{- $_ := set $p (printf "%s.escalation.breach-contacts" $pre) (join "," $x.breachContacts) -}}
{{- range $contact, $c := $x.contacts -}}
{{- $_ := set $p (printf "%s.escalation.contacts.%s.format" $pre $contact) ($c.format | default "generic") -}}
{{- if $c.webhookUrl -}}
{{- $_ := set $p (printf "%s.escalation.contacts.%s.webhook-url" $pre $contact) $c.webhookUrl -}}
{{- else if $x.webhookSecret -}}
{{- $_ := set $p (printf "%s.escalation.contacts.%s.webhook-url" $pre $contact) (printf "${%s:}" (include "clinical-ops.webhookEnv" $contact)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $svc := index $root.Values.services .name -}}
{{- range $k, $v := ($svc.config | default dict) -}}
{{- $_ := set $p $k $v -}}
{{- end -}}
{{- toJson $p -}}
{{- end -}}

{{/* Environment variable that carries a contact's webhook URL from escalation.webhookSecret. */}}
{{- define "clinical-ops.webhookEnv" -}}
{{- printf "CLINICALOPS_WEBHOOK_%s" (. | upper | replace "-" "_") -}}
{{- end -}}

{{/* application.properties text of one service, keys sorted. */}}
{{- define "clinical-ops.applicationProperties" -}}
# Rendered by the clinical-ops chart: runbooks.* and services.{{ .name }}.config.
{{- $p := include "clinical-ops.properties" . | fromJson }}
{{- range $k := keys $p | sortAlpha }}
{{- $v := index $p $k }}
{{- if not (kindIs "invalid" $v) }}
{{ $k }}={{ if kindIs "float64" $v }}{{ if eq (floor $v) $v }}{{ int64 $v }}{{ else }}{{ $v }}{{ end }}{{ else }}{{ toString $v | replace "\\" "\\\\" | replace "\n" "\\n" }}{{ end }}
{{- end }}
{{- end }}
{{- end -}}
