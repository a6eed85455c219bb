{{/* The values to paste into the ingress chart in sidecar mode, shaped for sidecar.target. */}}
{{- define "ogs.sidecarSnippet" -}}
{{- $container := include "ogs.container" . }}
{{- $volumes := include "ogs.volumes" . }}
{{- $native := .Values.sidecar.native }}
{{- $target := .Values.sidecar.target }}
{{- $drain := int (include "ogs.proxyDrainSeconds" .) }}
{{- $drainDelay := int .Values.shutdown.drainDelaySeconds }}
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
  # Envoy's own drain: it keeps proxying for at least minDrainDuration (the sidecar's drain delay) and lets streams run
  # up to drainTimeout, as long as the sidecar may still answer them; Envoy Gateway gives the pods drainTimeout + 300 s.
  shutdown:
    drainTimeout: {{ $drain }}s
    minDrainDuration: {{ $drainDelay }}s
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
# Kong's own drain: its chart's preStop (kong quit --wait=15) keeps proxying 15 s, then nginx gives streams
# worker_shutdown_timeout (Kong's default 10 s would cut them) as long as the sidecar may answer them.
env:
  nginx_main_worker_shutdown_timeout: {{ $drain }}s
terminationGracePeriodSeconds: {{ include "ogs.ingressGraceSeconds" (dict "root" . "accept" 15) }}
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
# Traefik's own drain, per entry point of the route: it accepts for requestAcceptGraceTimeout (the sidecar's drain
# delay), then lets streams run for graceTimeOut (its default 10 s would cut them) as long as the sidecar may answer them.
ports:
  {{- range (.Values.sidecar.traefik.entryPoints | default (list "web" "websecure")) }}
  {{ . }}:
    transport:
      lifeCycle:
        requestAcceptGraceTimeout: {{ $drainDelay }}s
        graceTimeOut: {{ $drain }}s
  {{- end }}
deployment:
  terminationGracePeriodSeconds: {{ include "ogs.ingressGraceSeconds" (dict "root" . "accept" $drainDelay) }}
  {{ if $native }}initContainers{{ else }}additionalContainers{{ end }}:
    - {{ $container | indent 6 | trim }}
  additionalVolumes:
    {{- $volumes | nindent 4 }}
{{- with $socketMount }}
# Mounted into the Traefik container.
additionalVolumeMounts:
  {{- . | nindent 2 }}
{{- end }}
{{- if .Values.sidecar.traefik.fastProxy }}
# Traefik's FastProxy (whole Traefik; no Traefik tracing or OTel metrics). Its standard proxy cuts about one stream in
# 200 to 800 from a backend that answers at once, as the sidecar does (traefik/traefik#11767): the sidecar sends its
# first bytes while Traefik still reads the request body it has already sent. sidecar.traefik.fastProxy=false drops this.
experimental:
  fastProxy:
    enabled: true
{{- end }}
{{- else if eq $target "ingress-nginx" }}
# ingress-nginx chart values.
controller:
  # nginx's own drain: after SIGQUIT its workers let streams run for worker-shutdown-timeout, as long as the sidecar
  # may answer them.
  config:
    worker-shutdown-timeout: {{ $drain }}s
  terminationGracePeriodSeconds: {{ include "ogs.ingressGraceSeconds" (dict "root" . "accept" 0) }}
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
# Add to the ingress pod template's spec. The proxy must keep streams going on its own for {{ $drain }} s after the pod starts
# terminating (as long as the sidecar may answer one): plain Envoy exits at SIGTERM, so give its container args
# --drain-time-s {{ $drainDelay }} --drain-strategy immediate and a preStop that POSTs /drain_listeners?graceful to its admin port and
# sleeps {{ $drain }} s (config/ingress/envoy/deployment.yaml in the repository); nginx: worker_shutdown_timeout {{ $drain }}s.
terminationGracePeriodSeconds: {{ include "ogs.ingressGraceSeconds" (dict "root" . "accept" 0) }}
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
