# The pod sandbox image (registry.k8s.io/pause:3.10 by name): one static binary that pauses until a signal.
FROM scratch
COPY root/pause /pause
USER 65535:65535
ENTRYPOINT ["/pause"]
