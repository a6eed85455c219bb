{{/* Names, labels and the container spec shared by the Deployment (standalone) and the NOTES snippet (sidecar). */}}

{{/* Chart name, overridable. */}}
{{- define "ogs.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object name: <release>-<chart>, or the release name when it already contains the chart name. */}}
{{- define "ogs.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "ogs.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "ogs.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: openai-gemini-sidecar
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of the standalone pods. */}}
{{- define "ogs.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ogs.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* "\n  annotations: ..." from commonAnnotations plus an optional dict (.extra); nothing when both are empty. */}}
{{- define "ogs.annotations" -}}
{{- $all := merge (deepCopy (.extra | default dict)) (deepCopy (.root.Values.commonAnnotations | default dict)) }}
{{- with $all }}
{{ printf "annotations:\n%s" (toYaml . | indent 2) | indent 2 }}
{{- end }}
{{- end }}

{{/* Is this sidecar mode? Returns "true" or "". */}}
{{- define "ogs.sidecar" -}}
{{- if eq .Values.mode "sidecar" }}true{{ end }}
{{- end }}

{{/* The container image reference. */}}
{{- define "ogs.image" -}}
{{- $repository := .Values.image.repository }}
{{- if .Values.image.registry }}{{ $repository = printf "%s/%s" .Values.image.registry $repository }}{{ end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* API and admin ports for the current mode. */}}
{{- define "ogs.httpPort" -}}
{{- if include "ogs.sidecar" . }}{{ int .Values.sidecar.ports.http }}{{ else }}{{ int .Values.ports.http }}{{ end }}
{{- end }}
{{- define "ogs.metricsPort" -}}
{{- if include "ogs.sidecar" . }}{{ int .Values.sidecar.ports.metrics }}{{ else }}{{ int .Values.ports.metrics }}{{ end }}
{{- end }}

{{/* Container port names (unique inside a foreign pod in sidecar mode; at most 15 characters). */}}
{{- define "ogs.httpPortName" -}}
{{- if include "ogs.sidecar" . }}gemini-http{{ else }}http{{ end }}
{{- end }}
{{- define "ogs.metricsPortName" -}}
{{- if include "ogs.sidecar" . }}gemini-metrics{{ else }}metrics{{ end }}
{{- end }}

{{/* Volume names; prefixed in sidecar mode so they cannot clash with the ingress pod's own volumes. */}}
{{- define "ogs.volumePrefix" -}}
{{- if include "ogs.sidecar" . }}gemini-sidecar-{{ end }}
{{- end }}

{{/* terminationGracePeriodSeconds: preStop sleep + drain delay + shutdown timeout + margin. */}}
{{- define "ogs.terminationGracePeriodSeconds" -}}
{{- $s := .Values.shutdown }}
{{- add (int $s.preStopSleepSeconds) (int $s.drainDelaySeconds) (int $s.timeoutSeconds) (int $s.extraGraceSeconds) }}
{{- end }}

{{/* Sidecar mode: seconds after the ingress pod starts terminating during which the sidecar may still be answering a
stream (preStop sleep + drain delay + shutdown timeout). The proxy in front must keep its streams going that long. */}}
{{- define "ogs.proxyDrainSeconds" -}}
{{- $s := .Values.shutdown }}
{{- add (int $s.preStopSleepSeconds) (int $s.drainDelaySeconds) (int $s.timeoutSeconds) }}
{{- end }}

{{/* Sidecar mode: terminationGracePeriodSeconds for the ingress pods; . is (dict "root" $ "accept" <seconds the proxy
keeps accepting before its drain>): that, the proxy's drain, and the sidecar's own stop after the proxy (a native
sidecar gets SIGTERM only then: drain delay, exit and telemetry flush). */}}
{{- define "ogs.ingressGraceSeconds" -}}
{{- $s := .root.Values.shutdown }}
{{- add (int .accept) (int (include "ogs.proxyDrainSeconds" .root)) (int $s.drainDelaySeconds) (int $s.extraGraceSeconds) }}
{{- end }}

{{/* The sidecar's YAML config: values.config, then the keys the chart derives from ports and shutdown. */}}
{{- define "ogs.config" -}}
{{- $config := deepCopy (.Values.config | default dict) }}
{{- if not (kindIs "map" (get $config "server")) }}{{ $_ := set $config "server" dict }}{{ end }}
{{- $server := get $config "server" }}
{{- $_ := set $server "port" (int (include "ogs.httpPort" .)) }}
{{- $_ := set $server "adminPort" (int (include "ogs.metricsPort" .)) }}
{{- $_ := set $server "drainDelayMs" (mul (int .Values.shutdown.drainDelaySeconds) 1000) }}
{{- $_ := set $server "shutdownTimeoutMs" (mul (int .Values.shutdown.timeoutSeconds) 1000) }}
{{- toYaml $config }}
{{- end }}

{{/* Name of the Secret with the keys: existingSecret, the chart's own, or "" when there are no keys at all. */}}
{{- define "ogs.secretName" -}}
{{- if .Values.existingSecret }}
{{- .Values.existingSecret }}
{{- else if or .Values.secret.geminiApiKey .Values.secret.geminiApiKeys .Values.secret.sidecarApiKeys }}
{{- include "ogs.fullname" . }}
{{- end }}
{{- end }}

{{/* Names of the variables extraEnvVars sets. */}}
{{- define "ogs.extraEnvNames" -}}
{{- range .Values.extraEnvVars }}{{ .name }} {{ end }}
{{- end }}

{{/* The sidecar holds Gemini keys of its own (Secret, key file, or extraEnvVars naming one)? Returns "true" or "". */}}
{{- define "ogs.serverKeys" -}}
{{- $extra := splitList " " (include "ogs.extraEnvNames" .) }}
{{- if or .Values.existingSecret .Values.secret.geminiApiKey .Values.secret.geminiApiKeys (dig "gemini" "apiKeysFile" "" (.Values.config | default dict)) (has "GEMINI_API_KEY" $extra) (has "GEMINI_API_KEYS" $extra) (has "GEMINI_API_KEYS_FILE" $extra) .Values.vertex.enabled }}true{{ end }}
{{- end }}

{{/* Callers must present a client key (SIDECAR_API_KEYS)? Returns "true" or "". */}}
{{- define "ogs.clientKeys" -}}
{{- if has "SIDECAR_API_KEYS" (splitList " " (include "ogs.extraEnvNames" .)) }}true
{{- else if .Values.existingSecret }}{{ if .Values.auth.clientKeysInSecret }}true{{ end }}
{{- else if .Values.secret.sidecarApiKeys }}true
{{- end }}
{{- end }}

{{/* The operator trusts the ingress to authenticate callers (auth.trustIngress, or SIDECAR_TRUST_INGRESS in extraEnvVars)? */}}
{{- define "ogs.trustIngress" -}}
{{- if or .Values.auth.trustIngress (has "SIDECAR_TRUST_INGRESS" (splitList " " (include "ogs.extraEnvNames" .))) }}true{{ end }}
{{- end }}

{{/* Checks that fail the render with a message naming the value to fix. */}}
{{- define "ogs.validate" -}}
{{- if not .Values.image.repository }}
{{- fail (printf "image.repository is not set, and no image is published for this chart: build the image and push it to a registry your cluster pulls from (docker build -t ghcr.io/<owner>/openai-gemini-sidecar:%s . && docker push ghcr.io/<owner>/openai-gemini-sidecar:%s; see the README, Deploy > Image), then set image.repository=<owner>/openai-gemini-sidecar (image.registry is %s) and image.tag or image.digest" .Chart.AppVersion .Chart.AppVersion (.Values.image.registry | default "empty")) }}
{{- end }}
{{- if and (include "ogs.serverKeys" .) (not (include "ogs.clientKeys" .)) (not (include "ogs.trustIngress" .)) }}
{{- fail "the sidecar would hold Gemini keys (existingSecret, secret.geminiApiKey(s) or config.gemini.apiKeysFile) or Vertex AI credentials (vertex.enabled) that any caller could spend, and it refuses to start so: set secret.sidecarApiKeys (or SIDECAR_API_KEYS in existingSecret with auth.clientKeysInSecret=true) so callers must present a key, or auth.trustIngress=true (SIDECAR_TRUST_INGRESS=true) if the ingress in front authenticates callers" }}
{{- end }}
{{- if and .Values.vertex.enabled (or .Values.existingSecret .Values.secret.geminiApiKey .Values.secret.geminiApiKeys) }}
{{- fail "vertex.enabled takes no Gemini API keys (existingSecret, secret.geminiApiKey(s) are for the Developer API): Vertex AI authenticates with vertex.workloadIdentityServiceAccount (GKE), vertex.credentialsSecret or vertex.apiKeySecret; client keys go in secret.sidecarApiKeys" }}
{{- end }}
{{- $redis := .Values.store.redis }}
{{- if and $redis.url (not $redis.existingSecret) (not $redis.encryptionKey) }}
{{- fail "store.redis.url needs the store encryption key: store.redis.existingSecret (with the key under store.redis.encryptionKeyKey) or store.redis.encryptionKey (openssl rand -base64 32)" }}
{{- end }}
{{- if include "ogs.sidecar" . }}
{{- if not .Values.sidecar.podSelector }}
{{- fail "mode=sidecar needs sidecar.podSelector: the labels of the ingress pods the container is added to (PodMonitor and NetworkPolicy select them)" }}
{{- end }}
{{- if and (or .Values.sidecar.envoyGateway.enabled (eq .Values.sidecar.target "envoy-gateway")) (not .Values.sidecar.socketPath) }}
{{- fail "Envoy Gateway (sidecar.target envoy-gateway, sidecar.envoyGateway.enabled) needs sidecar.socketPath: its Backend reaches a sidecar only through a Unix socket, e.g. /var/run/sidecar/api.sock" }}
{{- end }}
{{- if and .Values.sidecar.envoyGateway.enabled (not .Values.sidecar.envoyGateway.httpRoute.parentRefs) }}
{{- fail "sidecar.envoyGateway.enabled needs sidecar.envoyGateway.httpRoute.parentRefs (the Gateway to attach the route to)" }}
{{- end }}
{{- if and .Values.networkPolicy.enabled (not .Values.networkPolicy.sidecarHostPorts) }}
{{- fail "mode=sidecar with networkPolicy.enabled selects the ingress pods: list the ingress container's own ports in networkPolicy.sidecarHostPorts (they stay open), or set networkPolicy.enabled=false" }}
{{- end }}
{{- else }}
{{- if and .Values.httpRoute.enabled (not .Values.httpRoute.parentRefs) }}
{{- fail "httpRoute.enabled needs httpRoute.parentRefs (the Gateway to attach the route to)" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (not .Values.autoscaling.targetCPUUtilizationPercentage) (not .Values.autoscaling.targetMemoryUtilizationPercentage) }}
{{- fail "autoscaling.enabled needs targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The ServiceMonitor/PodMonitor/PrometheusRule API is there (or trusted to be). */}}
{{- define "ogs.monitoringApi" -}}
{{- if or .Values.metrics.trustCRDsExist (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") }}true{{ end }}
{{- end }}

{{/* The `job` label every scraped series gets. */}}
{{- define "ogs.metricsJob" -}}
{{- default (include "ogs.fullname" .) .Values.metrics.job }}
{{- end }}

{{/* The chart's OTel variable (before extraEnvVars in the container's env): trace export to tracing.otlpEndpoint, or
nowhere, since the SDK's default http://localhost:4318 does not exist in a pod. A variable extraEnvVars names is left
out, so no name is listed twice (server-side apply rejects that); so is OTEL_TRACES_EXPORTER=none when extraEnvVars
already points the exporter somewhere. With nothing exported, spans are not recorded either (sampler always_off: ~60 µs
of CPU per request saved; trace ids still reach the log lines). Empty when extraEnvVars takes over. */}}
{{- define "ogs.otelEnv" -}}
{{- $userEnv := list }}
{{- range .Values.extraEnvVars }}{{ $userEnv = append $userEnv .name }}{{ end }}
{{- $otlpEndpoint := (.Values.tracing | default dict).otlpEndpoint }}
{{- if $otlpEndpoint }}
{{- if not (has "OTEL_EXPORTER_OTLP_ENDPOINT" $userEnv) }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $otlpEndpoint | quote }}
{{- end }}
{{- else if not (or (has "OTEL_TRACES_EXPORTER" $userEnv) (has "OTEL_EXPORTER_OTLP_ENDPOINT" $userEnv) (has "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" $userEnv)) }}
- name: OTEL_TRACES_EXPORTER
  value: none
{{- if not (has "OTEL_TRACES_SAMPLER" $userEnv) }}
- name: OTEL_TRACES_SAMPLER
  value: always_off
{{- end }}
{{- end }}
{{- end }}

{{/* "true" when the chart creates <fullname>-store for the response store's password and encryption key. */}}
{{- define "ogs.storeSecretCreated" -}}
{{- $redis := .Values.store.redis }}
{{- if and $redis.url (not $redis.existingSecret) $redis.encryptionKey }}true{{ end }}
{{- end }}

{{/* The port of store.redis.url: the one it names, else Redis's 6379. */}}
{{- define "ogs.redisPort" -}}
{{- $host := (urlParse .Values.store.redis.url).host }}
{{- $parts := splitList ":" $host }}
{{- if and (gt (len $parts) 1) (not (hasSuffix "]" $host)) }}{{ last $parts }}{{ else }}6379{{ end }}
{{- end }}

{{/* The Gemini base URL the sidecar will use: GEMINI_BASE_URL from extraEnvVars (env wins over the file), else
config.gemini.baseUrl, else the sidecar's default. */}}
{{- define "ogs.geminiBaseUrl" -}}
{{- $url := dig "gemini" "baseUrl" "https://generativelanguage.googleapis.com" (.Values.config | default dict) }}
{{- range .Values.extraEnvVars }}{{ if and (eq .name "GEMINI_BASE_URL") .value }}{{ $url = .value }}{{ end }}{{ end }}
{{- $url }}
{{- end }}

{{/* The TCP port of the Gemini base URL: the one it names, else 80 for http and 443 for https. */}}
{{- define "ogs.geminiPort" -}}
{{- $parsed := urlParse (include "ogs.geminiBaseUrl" .) }}
{{- if regexMatch ":[0-9]+$" $parsed.host }}{{ regexFind "[0-9]+$" $parsed.host }}{{ else if eq $parsed.scheme "http" }}80{{ else }}443{{ end }}
{{- end }}

{{/* scheme://host[:port] of the Gemini base URL (no path, no user info), for comments and NOTES. */}}
{{- define "ogs.geminiOrigin" -}}
{{- $parsed := urlParse (include "ogs.geminiBaseUrl" .) }}
{{- printf "%s://%s" $parsed.scheme $parsed.host }}
{{- end }}

{{/* GEMINI_BASE_URL is set from a reference (valueFrom) the chart cannot read? Returns "true" or "". */}}
{{- define "ogs.geminiBaseUrlHidden" -}}
{{- range .Values.extraEnvVars }}{{ if and (eq .name "GEMINI_BASE_URL") (not .value) }}true{{ end }}{{ end }}
{{- end }}

{{/* The response store's variables: REDIS_URL, and the password and encryption key from a Secret. */}}
{{- define "ogs.storeEnv" -}}
{{- $redis := .Values.store.redis }}
{{- if $redis.url }}
{{- $secret := $redis.existingSecret | default (printf "%s-store" (include "ogs.fullname" .)) }}
- name: REDIS_URL
  value: {{ $redis.url | quote }}
{{- if or $redis.existingSecret $redis.password }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $redis.passwordKey }}
      {{- if $redis.existingSecret }}
      optional: true
      {{- end }}
{{- end }}
- name: STORE_ENCRYPTION_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $redis.encryptionKeyKey }}
{{- end }}
{{- end }}

{{/* Vertex AI variables (Google's Gen AI SDK names): backend, project, location, credentials file or express key. */}}
{{- define "ogs.vertexEnv" -}}
{{- $vertex := .Values.vertex }}
{{- if $vertex.enabled }}
- name: GOOGLE_GENAI_USE_VERTEXAI
  value: "true"
{{- with $vertex.project }}
- name: GOOGLE_CLOUD_PROJECT
  value: {{ . | quote }}
{{- end }}
- name: GOOGLE_CLOUD_LOCATION
  value: {{ $vertex.location | quote }}
{{- if $vertex.credentialsSecret }}
- name: GOOGLE_APPLICATION_CREDENTIALS
  value: {{ printf "/var/run/secrets/vertex/%s" $vertex.credentialsSecretKey | quote }}
{{- end }}
{{- if $vertex.apiKeySecret }}
- name: GOOGLE_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $vertex.apiKeySecret }}
      key: {{ $vertex.apiKeySecretKey }}
{{- end }}
{{- end }}
{{- end }}

{{/* Environment of the container. */}}
{{- define "ogs.env" -}}
- name: CONFIG_FILE
  value: /etc/openai-gemini-sidecar/config.yaml
{{- with .Values.sidecar.socketPath }}
{{- if include "ogs.sidecar" $ }}
- name: SOCKET_PATH
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- $secret := include "ogs.secretName" . }}
{{- if .Values.existingSecret }}
- name: GEMINI_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: GEMINI_API_KEY
- name: GEMINI_API_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: GEMINI_API_KEYS
      optional: true
- name: SIDECAR_API_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: SIDECAR_API_KEYS
{{- if not .Values.auth.clientKeysInSecret }}
      optional: true
{{- end }}
{{- else if $secret }}
{{- if .Values.secret.geminiApiKey }}
- name: GEMINI_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: GEMINI_API_KEY
{{- end }}
{{- if .Values.secret.geminiApiKeys }}
- name: GEMINI_API_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: GEMINI_API_KEYS
{{- end }}
{{- if .Values.secret.sidecarApiKeys }}
- name: SIDECAR_API_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: SIDECAR_API_KEYS
{{- end }}
{{- end }}
{{- if and .Values.auth.trustIngress (not (has "SIDECAR_TRUST_INGRESS" (splitList " " (include "ogs.extraEnvNames" .)))) }}
- name: SIDECAR_TRUST_INGRESS
  value: "true"
{{- end }}
{{- include "ogs.storeEnv" . }}
{{- include "ogs.vertexEnv" . }}
{{- include "ogs.otelEnv" . }}
{{- if and .Values.nodeMaxSemiSpaceMb (not (has "NODE_OPTIONS" (splitList " " (include "ogs.extraEnvNames" .)))) }}
- name: NODE_OPTIONS
  value: {{ printf "--max-semi-space-size=%d" (int .Values.nodeMaxSemiSpaceMb) | quote }}
{{- end }}
{{- with .Values.extraEnvVars }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* One HTTP probe on the admin port; . is (dict "probe" <values> "path" <path> "port" <name>). */}}
{{- define "ogs.probe" -}}
httpGet:
  path: {{ .path }}
  port: {{ .port }}
{{- if hasKey .probe "initialDelaySeconds" }}
initialDelaySeconds: {{ int .probe.initialDelaySeconds }}
{{- end }}
periodSeconds: {{ int .probe.periodSeconds }}
timeoutSeconds: {{ int .probe.timeoutSeconds }}
failureThreshold: {{ int .probe.failureThreshold }}
{{- end }}

{{/* The container: the Deployment's in standalone mode, the pasted one in sidecar mode. */}}
{{- define "ogs.container" -}}
{{- $prefix := include "ogs.volumePrefix" . }}
{{- $metricsPortName := include "ogs.metricsPortName" . -}}
name: {{ if include "ogs.sidecar" . }}{{ .Values.sidecar.containerName }}{{ else }}{{ include "ogs.name" . }}{{ end }}
image: {{ include "ogs.image" . }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
{{- if and (include "ogs.sidecar" .) .Values.sidecar.native }}
restartPolicy: Always
{{- end }}
ports:
  - name: {{ include "ogs.httpPortName" . }}
    containerPort: {{ include "ogs.httpPort" . }}
    protocol: TCP
  - name: {{ $metricsPortName }}
    containerPort: {{ include "ogs.metricsPort" . }}
    protocol: TCP
env:
  {{- include "ogs.env" . | nindent 2 }}
{{- with .Values.extraEnvFrom }}
envFrom:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .Values.startupProbe.enabled }}
startupProbe:
  {{- include "ogs.probe" (dict "probe" .Values.startupProbe "path" "/healthz" "port" $metricsPortName) | nindent 2 }}
{{- end }}
{{- if .Values.livenessProbe.enabled }}
livenessProbe:
  {{- include "ogs.probe" (dict "probe" .Values.livenessProbe "path" "/healthz" "port" $metricsPortName) | nindent 2 }}
{{- end }}
{{- if .Values.readinessProbe.enabled }}
readinessProbe:
  {{- include "ogs.probe" (dict "probe" .Values.readinessProbe "path" "/readyz" "port" $metricsPortName) | nindent 2 }}
{{- end }}
{{- if .Values.shutdown.preStopSleepSeconds }}
lifecycle:
  preStop:
    sleep:
      seconds: {{ int .Values.shutdown.preStopSleepSeconds }}
{{- end }}
{{- with .Values.resources }}
resources:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- $securityContext := deepCopy (.Values.containerSecurityContext | default dict) }}
{{- if and (include "ogs.sidecar" .) .Values.sidecar.socketPath }}
{{- /* The socket is created 0660: its group must be the proxy's so the proxy may connect. */}}
{{- $_ := set $securityContext "runAsGroup" (int .Values.sidecar.proxyGroup) }}
{{- end }}
{{- with $securityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumeMounts:
  - name: {{ $prefix }}config
    mountPath: /etc/openai-gemini-sidecar
    readOnly: true
  - name: {{ $prefix }}tmp
    mountPath: /tmp
{{- if and (include "ogs.sidecar" .) .Values.sidecar.socketPath }}
  - name: gemini-sidecar-socket
    mountPath: {{ dir .Values.sidecar.socketPath }}
{{- end }}
{{- if and .Values.vertex.enabled .Values.vertex.credentialsSecret }}
  - name: {{ $prefix }}vertex-credentials
    mountPath: /var/run/secrets/vertex
    readOnly: true
{{- end }}
{{- with .Values.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The volumes the container needs. */}}
{{- define "ogs.volumes" -}}
{{- $prefix := include "ogs.volumePrefix" . -}}
- name: {{ $prefix }}config
  configMap:
    name: {{ include "ogs.fullname" . }}
- name: {{ $prefix }}tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpVolumeSizeLimit }}
{{- if and (include "ogs.sidecar" .) .Values.sidecar.socketPath }}
- name: gemini-sidecar-socket
  emptyDir:
    medium: Memory
    sizeLimit: 1Mi
{{- end }}
{{- if and .Values.vertex.enabled .Values.vertex.credentialsSecret }}
- name: {{ $prefix }}vertex-credentials
  secret:
    secretName: {{ .Values.vertex.credentialsSecret }}
    items:
      - key: {{ .Values.vertex.credentialsSecretKey }}
        path: {{ .Values.vertex.credentialsSecretKey }}
{{- end }}
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* An int-or-percent value from its string form: "25%" stays a string, "1" becomes 1. */}}
{{- define "ogs.intOrPercent" -}}
{{- if hasSuffix "%" . }}{{ . | quote }}{{ else }}{{ atoi . }}{{ end }}
{{- end }}
