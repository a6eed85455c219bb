# The project Dockerfile's FROM (node:24-bookworm-slim), made locally: Debian bookworm from debootstrap (imported as
# local/debian:bookworm) plus the node 24 binary the npm devDependency `node` brings and an npm, where the official
# image keeps them (/usr/local). The machine's own extra CA certificates (ca/, from /usr/local/share/ca-certificates:
# a TLS-inspecting egress proxy, where there is one) are trusted too, by the system store and by npm, so that the
# project Dockerfile's `npm ci` reaches the registry from here as it does from the host; no other change to it.
FROM local/debian:bookworm
COPY ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null && printf 'cafile=/etc/ssl/certs/ca-certificates.crt\n' >/usr/local/etc/npmrc
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node && node --version && npm --version
CMD ["node"]
