{{/* The values to paste into the ingress chart in sidecar mode, shaped for sidecar.target. */}}
{{- define "ogs.sidecarSnippet" -}}
{{- $container := include "ogs.container" . }}
{{- $volumes := include "ogs.volumes" . }}
{{- $native := .Values.sidecar.native }}
{{- $target := .Values.sidecar.target }}
{{- $socketMount := "" }}
{{- with .Values.sidecar.socketPath }}
{{- $socketMount = printf "- name: gemini-sidecar-socket\n  mountPath: %s" (dir .) }}
{{- end }}
{{- if eq $target "envoy-gateway" }}
# An EnvoyProxy adding the sidecar to the Envoy pods. Attach it to your Gateway (spec.infrastructure.parametersRef:
# {group: gateway.envoyproxy.io, kind: EnvoyProxy, name: {{ .Values.sidecar.envoyGateway.envoyProxyName }}}) or to the GatewayClass
# (spec.parametersRef, with its namespace). Merge into an EnvoyProxy you already have.
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: EnvoyProxy
metadata:
  name: {{ .Values.sidecar.envoyGateway.envoyProxyName }}
  namespace: {{ .Release.Namespace }}
spec:
  provider:
    type: Kubernetes
    kubernetes:
      envoyDeployment:
        {{- if $native }}
        initContainers:
          - {{ $container | indent 12 | trim }}
        {{- else }}
        patch:
          type: StrategicMerge
          value:
            spec:
              template:
                spec:
                  containers:
                    - {{ $container | indent 22 | trim }}
        {{- end }}
        pod:
          {{- with .Values.imagePullSecrets }}
          imagePullSecrets:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          volumes:
            {{- $volumes | nindent 12 }}
        {{- with $socketMount }}
        container:
          volumeMounts:
            {{- . | nindent 12 }}
        {{- end }}
{{- else if eq $target "kong" }}
# kong/kong chart values (kong/ingress: put them under gateway:).
deployment:
  {{ if $native }}initContainers{{ else }}sidecarContainers{{ end }}:
    - {{ $container | indent 6 | trim }}
  userDefinedVolumes:
    {{- $volumes | nindent 4 }}
  {{- with $socketMount }}
  # Mounted into the Kong proxy container.
  userDefinedVolumeMounts:
    {{- . | nindent 4 }}
  {{- end }}
{{- else if eq $target "traefik" }}
# traefik/traefik chart values.
deployment:
  {{ if $native }}initContainers{{ else }}additionalContainers{{ end }}:
    - {{ $container | indent 6 | trim }}
  additionalVolumes:
    {{- $volumes | nindent 4 }}
{{- with $socketMount }}
# Mounted into the Traefik container.
additionalVolumeMounts:
  {{- . | nindent 2 }}
{{- end }}
{{- else if eq $target "ingress-nginx" }}
# ingress-nginx chart values.
controller:
  {{ if $native }}extraInitContainers{{ else }}extraContainers{{ end }}:
    - {{ $container | indent 6 | trim }}
  extraVolumes:
    {{- $volumes | nindent 4 }}
  {{- with $socketMount }}
  # Mounted into the controller container.
  extraVolumeMounts:
    {{- . | nindent 4 }}
  {{- end }}
{{- else }}
# Add to the ingress pod template's spec.
{{ if $native }}initContainers{{ else }}containers{{ end }}:
  - {{ $container | indent 4 | trim }}
volumes:
  {{- $volumes | nindent 2 }}
{{- with $socketMount }}
# Add to the proxy container's volumeMounts:
# {{ . | replace "\n" "\n# " }}
{{- end }}
{{- end }}
{{- end }}
