{{- define "common-lib.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
