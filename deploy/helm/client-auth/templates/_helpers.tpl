{{- define "client-auth.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The labels that select the pods: the Service, PDB, HPA target and NetworkPolicy use them. */}}
{{- define "client-auth.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "client-auth.labels" -}}
{{ include "client-auth.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* An env entry read from an existing Secret: (list NAME {name, key}). */}}
{{- define "client-auth.secretEnv" -}}
{{- $name := index . 0 -}}{{- $ref := index . 1 -}}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name | quote }}
      key: {{ $ref.key | quote }}
{{- end -}}

{{/* The service drains for at most 10 s + 10 s + 20 s after SIGTERM (docs/operations.md#roles-and-stopping). */}}
{{- define "client-auth.drainSeconds" -}}40{{- end -}}
