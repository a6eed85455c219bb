# A static binary alone (pause, CoreDNS) or busybox with its links.
FROM scratch
COPY root/ /
