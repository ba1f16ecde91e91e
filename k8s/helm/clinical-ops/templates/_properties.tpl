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
{{- $_ := set $p "quarkus.rest-client.audit-keeper.url" "http://audit-keeper:8080" -}}
{{- $_ := set $p "quarkus.rest-client.rollback-orchestrator.url" "http://rollback-orchestrator:8080" -}}
{{- $_ := set $p "quarkus.log.console.json.enabled" "true" -}}
{{- if eq .name "auth-guard" -}}
{{- $pre := "clinicalops.auth-guard" -}}
{{- $a := $rb.authenticationAbuse -}}
{{- $_ := set $p (printf "%s.abuse.failure-threshold" $pre) $a.failureThreshold -}}
{{- $_ := set $p (printf "%s.abuse.failure-window" $pre) $a.failureWindow -}}
{{- $_ := set $p (printf "%s.abuse.block-duration" $pre) $a.blockDuration -}}
{{- if $a.allowlist -}}
{{- $_ := set $p (printf "%s.abuse.allowlist" $pre) (join "," $a.allowlist) -}}
{{- end -}}
{{- $_ := set $p (printf "%s.abuse.severity" $pre) $a.severity -}}
{{- range $policy, $limit := $rb.rateLimits -}}
{{- $_ := set $p (printf "%s.rate-limit.policies.%s.max-requests" $pre (upper $policy)) $limit.max -}}
{{- $_ := set $p (printf "%s.rate-limit.policies.%s.window" $pre (upper $policy)) $limit.window -}}
{{- end -}}
{{- $o := $rb.rateLimitOverwhelmed -}}
{{- $_ := set $p (printf "%s.overwhelmed.users-limited-ratio" $pre) $o.usersLimitedRatio -}}
{{- $_ := set $p (printf "%s.overwhelmed.window" $pre) $o.window -}}
{{- $_ := set $p (printf "%s.overwhelmed.relief-factor" $pre) $o.reliefFactor -}}
{{- $_ := set $p (printf "%s.overwhelmed.relief-duration" $pre) $o.reliefDuration -}}
{{- else if eq .name "db-sentinel" -}}
{{- $pre := "clinicalops.db-sentinel" -}}
{{- $d := $rb.databaseConnectivity -}}
{{- $_ := set $p (printf "%s.probe.interval" $pre) $d.probeInterval -}}
{{- $_ := set $p (printf "%s.probe.timeout" $pre) $d.probeTimeout -}}
{{- $_ := set $p (printf "%s.detection.failures-before-outage" $pre) $d.failuresBeforeOutage -}}
{{- $_ := set $p (printf "%s.read-only.after" $pre) $d.readOnlyAfter -}}
{{- $_ := set $p (printf "%s.failover.delay" $pre) $d.failoverAfter -}}
{{- $_ := set $p (printf "%s.failover.enabled" $pre) $root.Values.database.backup.enabled -}}
{{- $_ := set $p (printf "%s.pool.saturation-ratio" $pre) $d.connectionSaturationRatio -}}
{{- $_ := set $p (printf "%s.severity" $pre) $d.severity -}}
{{- else if eq .name "audit-keeper" -}}
{{- $pre := "clinicalops.audit-keeper" -}}
{{- $l := $rb.auditLog -}}
{{- $dir := (index $root.Values.services "audit-keeper").persistence.mountPath -}}
{{- $_ := set $p (printf "%s.spool.directory" $pre) (printf "%s/spool" $dir) -}}
{{- $_ := set $p (printf "%s.archive.directory" $pre) (printf "%s/archive" $dir) -}}
{{- $_ := set $p (printf "%s.archive.retention" $pre) $l.retention -}}
{{- $_ := set $p (printf "%s.archive.schedule" $pre) $l.archiveSchedule -}}
{{- $_ := set $p (printf "%s.quota.limit" $pre) $l.storageQuota -}}
{{- $_ := set $p (printf "%s.quota.warn-ratio" $pre) $l.quotaWarnRatio -}}
{{- $_ := set $p (printf "%s.quota.incident-ratio" $pre) $l.quotaIncidentRatio -}}
{{- $_ := set $p (printf "%s.write-probe.interval" $pre) $l.writeProbeInterval -}}
{{- $_ := set $p (printf "%s.severity" $pre) $l.severity -}}
{{- else if eq .name "error-watch" -}}
{{- $pre := "clinicalops.error-watch" -}}
{{- $e := $rb.errorRateSpike -}}
{{- $_ := set $p (printf "%s.spike.error-ratio" $pre) $e.errorRatio -}}
{{- $_ := set $p (printf "%s.spike.window" $pre) $e.window -}}
{{- $_ := set $p (printf "%s.spike.minimum-requests" $pre) $e.minimumRequests -}}
{{- $_ := set $p (printf "%s.deploys.window" $pre) $e.deployWindow -}}
{{- $_ := set $p (printf "%s.deploys.namespace" $pre) (include "clinical-ops.appNamespace" $root) -}}
{{- $_ := set $p (printf "%s.deploys.selector" $pre) $rb.rollback.appSelector -}}
{{- $_ := set $p (printf "%s.rollback.automatic" $pre) $e.autoRollback -}}
{{- $_ := set $p (printf "%s.communication.user-email-after" $pre) $e.userEmailAfter -}}
{{- $_ := set $p (printf "%s.severity" $pre) $e.severity -}}
{{- else if eq .name "rollback-orchestrator" -}}
{{- $pre := "clinicalops.rollback-orchestrator" -}}
{{- $r := $rb.rollback -}}
{{- $x := $rb.escalation -}}
{{- $_ := set $p (printf "%s.app.namespace" $pre) (include "clinical-ops.appNamespace" $root) -}}
{{- $_ := set $p (printf "%s.app.selector" $pre) $r.appSelector -}}
{{- $_ := set $p (printf "%s.rollout-timeout" $pre) $r.rolloutTimeout -}}
{{- $_ := set $p (printf "%s.escalation.p1-deadline" $pre) $x.p1Deadline -}}
{{- $_ := set $p (printf "%s.escalation.p0-deadline" $pre) $x.p0Deadline -}}
{{- range $role, $contact := $x.contacts -}}
{{- if $contact -}}
{{- $_ := set $p (printf "%s.escalation.contacts.%s" $pre (kebabcase $role)) $contact -}}
{{- end -}}
{{- end -}}
{{- range $hook, $url := $x.webhooks -}}
{{- if $url -}}
{{- $_ := set $p (printf "%s.escalation.webhooks.%s" $pre (kebabcase $hook)) $url -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $svc := index $root.Values.services .name -}}
{{- range $k, $v := ($svc.config | default dict) -}}
{{- $_ := set $p $k $v -}}
{{- end -}}
{{- toJson $p -}}
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
