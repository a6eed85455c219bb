# A static binary alone (CoreDNS) or busybox with its links.
FROM scratch
COPY root/ /
