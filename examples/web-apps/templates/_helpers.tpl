{{/*
Expand the name of the chart.
*/}}
{{- define "web-apps.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
We truncate at 52 chars, not helm create's 63: the StatefulSet labels its pods with
controller-revision-hash, <name>-<10-character hash>, which must fit in 63.
If release name contains chart name it will be used as a full name.
*/}}
{{- define "web-apps.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "web-apps.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "web-apps.labels" -}}
helm.sh/chart: {{ include "web-apps.chart" . | quote }}
{{ include "web-apps.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
{{- end }}

{{/*
Labels of the application's pods: the common labels but the chart version, so that a chart
bump alone does not restart every pod (the app version does, as the image changes with it).
*/}}
{{- define "web-apps.podLabels" -}}
{{ include "web-apps.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
{{- end }}

{{/*
Selector labels. The StatefulSet selector and volumeClaimTemplates are immutable, so these
must never carry anything that changes between releases (chart or app version).
*/}}
{{- define "web-apps.selectorLabels" -}}
app.kubernetes.io/name: {{ include "web-apps.name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end }}

{{/*
Labels of hook and test pods: the common labels without app.kubernetes.io/name, so that the
Services' selectors (name and instance) never send them traffic.
*/}}
{{- define "web-apps.podLabelsWithoutSelector" -}}
helm.sh/chart: {{ include "web-apps.chart" . | quote }}
{{ include "web-apps.oneShotSelectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
{{- end }}

{{/*
Selector of hook and test pods, which run once and serve nothing (see networkpolicy.yaml).
*/}}
{{- define "web-apps.oneShotSelectorLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
chartgen.dev/one-shot: "true"
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "web-apps.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "web-apps.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The headless Service that governs the StatefulSet and gives each pod its DNS name.
*/}}
{{- define "web-apps.headlessServiceName" -}}
{{- printf "%s-headless" (include "web-apps.fullname" .) }}
{{- end }}

{{/*
An int-or-string value (a PodDisruptionBudget's minAvailable: 2 or "50%"): a number prints
as a number, a string quoted, so that "1e3" or "true" stays a string.
*/}}
{{- define "web-apps.intOrString" -}}
{{- if kindIs "string" . }}{{ quote . }}{{ else }}{{ int . }}{{ end }}
{{- end }}

{{/*
A map of strings from values.yaml (annotations, labels), one line per entry, both sides quoted:
toYaml writes U+0085, U+2028 and U+2029 raw, and YAML readers take them for line breaks
(U+0085 becomes a space); `quote` escapes them, and makes any other value the string it prints.
*/}}
{{- define "web-apps.strings" -}}
{{- range $i, $key := keys . | sortAlpha }}
{{- if $i }}{{ "\n" }}{{ end }}
{{- $key | quote }}: {{ index $ $key | quote }}
{{- end }}
{{- end }}

{{/*
Any value from values.yaml as YAML: toYaml's, unless a string in it holds U+0085, U+2028 or
U+2029, which toYaml writes raw; then JSON, which YAML reads too, with the three escaped (Go's
JSON escapes the last two itself).
*/}}
{{- define "web-apps.yaml" -}}
{{- $json := toJson . }}
{{- if or (contains "\u0085" $json) (contains "\\u2028" $json) (contains "\\u2029" $json) }}
{{- $json | replace "\u0085" "\\u0085" }}
{{- else }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/*
An image reference from an image values block: by digest when one is set, else by tag,
else by the chart's appVersion. Call with (dict "image" .Values.image "root" $).
*/}}
{{- define "web-apps.image" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (.image.tag | default .root.Chart.AppVersion | toString) }}
{{- end }}
{{- end }}
