{{/* The five services, in a fixed order. */}}
{{- define "clinical-ops.serviceNames" -}}
auth-guard db-sentinel audit-keeper error-watch rollback-orchestrator
{{- end -}}

{{/* Common labels; call with (dict "root" $ "name" "<service>"). */}}
{{- define "clinical-ops.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: clinical-ops
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
{{ include "clinical-ops.selectorLabels" . }}
{{- end -}}

{{- define "clinical-ops.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/component: {{ .component | default "ops-service" }}
{{- end -}}

{{/* Image of a service. */}}
{{- define "clinical-ops.image" -}}
{{- $svc := index .root.Values.services .name -}}
{{- $repo := $svc.image.repository | default (printf "%s/%s" .root.Values.image.registry .name) -}}
{{- $tag := $svc.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if eq .root.Values.image.variant "native" -}}
{{- $tag = printf "%s%s" $tag .root.Values.image.nativeTagSuffix -}}
{{- end -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}

{{/* Working directory of the image variant: Quarkus reads config/application.properties there. */}}
{{- define "clinical-ops.workDir" -}}
{{- if eq .Values.image.variant "native" -}}/work{{- else -}}/deployments{{- end -}}
{{- end -}}

{{- define "clinical-ops.uid" -}}
{{- if eq .Values.image.variant "native" -}}1001{{- else -}}185{{- end -}}
{{- end -}}

{{- define "clinical-ops.tokensSecret" -}}
{{- .Values.tokens.existingSecret | default .Values.tokens.secretName -}}
{{- end -}}

{{- define "clinical-ops.redisHosts" -}}
{{- if .Values.redis.hosts -}}
{{- .Values.redis.hosts -}}
{{- else -}}
redis://clinical-ops-redis:6379
{{- end -}}
{{- end -}}

{{- define "clinical-ops.validate" -}}
{{- if not (has .Values.image.variant (list "jvm" "native")) -}}
{{- fail "image.variant must be jvm or native" -}}
{{- end -}}
{{- if and (not .Values.redis.hosts) (not .Values.redis.bundled.enabled) -}}
{{- fail "set redis.hosts (external Redis) or redis.bundled.enabled=true" -}}
{{- end -}}
{{- if not .Values.database.existingSecret -}}
{{- fail "database.existingSecret is required (keys jdbc-url, username, password)" -}}
{{- end -}}
{{- if and .Values.database.backup.enabled (not .Values.database.backup.existingSecret) -}}
{{- fail "database.backup.existingSecret is required when database.backup.enabled" -}}
{{- end -}}
{{- end -}}

{{/* The app's Deployments live here (error-watch and rollback-orchestrator watch them). */}}
{{- define "clinical-ops.appNamespace" -}}
{{- .Values.app.namespace | default .Release.Namespace -}}
{{- end -}}

{{/* Database env vars (default datasource) from a Secret; call with (dict "root" $ "name" n "prefix" "QUARKUS_DATASOURCE"). */}}
{{- define "clinical-ops.databaseEnv" -}}
{{- $svc := index .root.Values.services .name -}}
{{- $secret := .secret | default $svc.databaseSecret | default .root.Values.database.existingSecret -}}
{{- $db := .root.Values.database -}}
- name: {{ .prefix }}_JDBC_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $db.jdbcUrlKey }}
- name: {{ .prefix }}_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $db.usernameKey }}
- name: {{ .prefix }}_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $db.passwordKey }}
{{- end -}}
