#!/usr/bin/env bash
# Starts the lab: a single-node Kubernetes from the binaries build-lab.sh made, every process a child of this
# machine's root with its pid in $RUN/pids (down.sh stops them, pods first). State is new on every start ($RUN);
# images stay in containerd's root across starts. Prints the kubeconfig path last.
#
# Facts of this VM the settings below answer (found on the shared k8s-lab recipe):
# - no CAP_SYS_RESOURCE: runc cannot raise oom_score_adj, so containerd must restrict_oom_score_adj
# - cgroup v1 only: kubelet needs cgroupDriver cgroupfs and failCgroupV1 false
# - no `dummy` link type: the node IP lives on an empty local bridge (kube0)
# - kubelet writes /var/lib/kubelet/pki even with --root-dir
# Network: the node IP and the pod range live on local bridges; nothing is routed or masqueraded off the machine.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LAB=${CLUSTER_LAB_DIR:-$HOME/.cache/openai-gemini-sidecar/cluster}
RUN=$LAB/run; PKI=$RUN/pki; KC=$RUN/kubeconfig
NODE_IP=10.200.0.1 POD_CIDR=10.244.0.0/24 SERVICE_CIDR=10.96.0.0/16
NODE=$(hostname | tr '[:upper:]' '[:lower:]')
export PATH=$LAB/bin:$PATH:/usr/sbin:/sbin
CONTAINERD_SOCK=$RUN/containerd/containerd.sock
bash "$HERE/down.sh" >/dev/null 2>&1 || true
rm -rf "$RUN"; mkdir -p "$RUN"/{pids,logs,cni,kubelet/manifests,containerd}
started=$SECONDS
say() { echo "[up $((SECONDS - started))s] $*"; }
start() { local name=$1; shift; setsid "$@" >"$RUN/logs/$name.log" 2>&1 </dev/null & echo $! >"$RUN/pids/$name.pid"; }
wait_for() { local what=$1 tries=$2; shift 2; for _ in $(seq "$tries"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "timed out waiting for $what" >&2; return 1; }

ip link show kube0 >/dev/null 2>&1 || { ip link add kube0 type bridge; ip addr add $NODE_IP/32 dev kube0; ip link set kube0 up; }
# Pods talk to each other across cni0 through FORWARD (whose policy a dockerd once started may have set to DROP);
# anything else a pod sends through the host (say, Traefik's version check) is dropped: nothing leaves the machine.
iptables -C FORWARD -s 10.244.0.0/16 -j DROP 2>/dev/null || iptables -I FORWARD 1 -s 10.244.0.0/16 -j DROP
for dir in -s -d; do
  iptables -C FORWARD $dir 10.244.0.0/16 -o cni0 -j ACCEPT 2>/dev/null || iptables -I FORWARD 1 $dir 10.244.0.0/16 -o cni0 -j ACCEPT
done

cat >"$RUN/cni/10-lab.conflist" <<J
{"cniVersion":"1.0.0","name":"lab","plugins":[
 {"type":"bridge","bridge":"cni0","isGateway":true,"ipMasq":false,"hairpinMode":true,
  "ipam":{"type":"host-local","dataDir":"$RUN/cni/ipam","ranges":[[{"subnet":"$POD_CIDR"}]],"routes":[{"dst":"0.0.0.0/0"}]}},
 {"type":"portmap","capabilities":{"portMappings":true}},{"type":"loopback"}]}
J
containerd config default | sed \
  -e "s#^root = .*#root = \"$LAB/containerd\"#" -e "s#^state = .*#state = \"$RUN/containerd/state\"#" \
  -e "/^\[grpc\]/,/^\[/ s#^  address = .*#  address = \"$CONTAINERD_SOCK\"#" \
  -e "/^\[ttrpc\]/,/^\[/ s#^  address = .*#  address = \"$CONTAINERD_SOCK.ttrpc\"#" \
  -e 's#sandbox_image = .*#sandbox_image = "registry.k8s.io/pause:3.10"#' \
  -e 's#bin_dir = "/opt/cni/bin"#bin_dir = "/usr/lib/cni"#' -e "s#conf_dir = \"/etc/cni/net.d\"#conf_dir = \"$RUN/cni\"#" \
  -e 's#restrict_oom_score_adj = false#restrict_oom_score_adj = true#' >"$RUN/containerd.toml"
start containerd containerd --config "$RUN/containerd.toml"
ctr() { command ctr --address "$CONTAINERD_SOCK" -n k8s.io "$@"; }
wait_for containerd 100 ctr version
say "containerd up"
bash "$HERE/lab-images.sh" import

start etcd etcd --name lab --data-dir "$RUN/etcd" --listen-client-urls http://127.0.0.1:23790 --advertise-client-urls http://127.0.0.1:23790 \
  --listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 --initial-cluster lab=http://127.0.0.1:23800
kubeadm init phase certs all --kubernetes-version v1.33.13 --cert-dir "$PKI" --apiserver-advertise-address $NODE_IP --service-cidr $SERVICE_CIDR \
  --apiserver-cert-extra-sans 127.0.0.1,localhost >/dev/null
kubeadm init phase kubeconfig all --kubernetes-version v1.33.13 --cert-dir "$PKI" --kubeconfig-dir "$KC" --apiserver-advertise-address $NODE_IP --node-name "$NODE" >/dev/null
start kube-apiserver kube-apiserver --advertise-address=$NODE_IP --secure-port=6443 --etcd-servers=http://127.0.0.1:23790 \
  --service-cluster-ip-range=$SERVICE_CIDR --service-node-port-range=30000-32767 --client-ca-file="$PKI/ca.crt" \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types=InternalIP,Hostname --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" --authorization-mode=Node,RBAC \
  --enable-admission-plugins=NodeRestriction --allow-privileged=true \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --proxy-client-cert-file="$PKI/front-proxy-client.crt" \
  --proxy-client-key-file="$PKI/front-proxy-client.key" --requestheader-allowed-names=front-proxy-client \
  --requestheader-extra-headers-prefix=X-Remote-Extra- --requestheader-group-headers=X-Remote-Group --requestheader-username-headers=X-Remote-User
export KUBECONFIG=$KC/super-admin.conf
wait_for kube-apiserver 240 kubectl get --raw /readyz
say "kube-apiserver ready"
# kubeadm's admin.conf is in group kubeadm:cluster-admins, which kubeadm init would bind; `kubectl logs` goes through
# the kubelet as kube-apiserver-kubelet-client.
kubectl create clusterrolebinding kubeadm:cluster-admins --clusterrole=cluster-admin --group=kubeadm:cluster-admins >/dev/null
kubectl create clusterrolebinding lab:apiserver-kubelet --clusterrole=system:kubelet-api-admin --user=kube-apiserver-kubelet-client >/dev/null
start kube-controller-manager kube-controller-manager --kubeconfig="$KC/controller-manager.conf" \
  --authentication-kubeconfig="$KC/controller-manager.conf" --authorization-kubeconfig="$KC/controller-manager.conf" \
  --bind-address=127.0.0.1 --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" --root-ca-file="$PKI/ca.crt" \
  --service-account-private-key-file="$PKI/sa.key" --use-service-account-credentials=true --allocate-node-cidrs=true \
  --cluster-cidr=10.244.0.0/16 --node-cidr-mask-size=24 --service-cluster-ip-range=$SERVICE_CIDR --leader-elect=false
start kube-scheduler kube-scheduler --kubeconfig="$KC/scheduler.conf" --authentication-kubeconfig="$KC/scheduler.conf" \
  --authorization-kubeconfig="$KC/scheduler.conf" --bind-address=127.0.0.1 --leader-elect=false
cat >"$RUN/kubelet.yaml" <<Y
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication: {anonymous: {enabled: false}, webhook: {enabled: true}, x509: {clientCAFile: $PKI/ca.crt}}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
failCgroupV1: false
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
clusterDomain: cluster.local
clusterDNS: [10.96.0.10]
failSwapOn: false
podLogsDir: $RUN/pod-logs
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
staticPodPath: $RUN/kubelet/manifests
Y
start kubelet kubelet --config="$RUN/kubelet.yaml" --kubeconfig="$KC/kubelet.conf" --root-dir="$RUN/kubelet/root" \
  --hostname-override="$NODE" --node-ip=$NODE_IP
# NodePorts answer on 127.0.0.1 (kube-proxy's iptables mode sets route_localnet for that).
start kube-proxy kube-proxy --kubeconfig="$KC/super-admin.conf" --hostname-override="$NODE" --cluster-cidr=10.244.0.0/16 \
  --proxy-mode=iptables --conntrack-max-per-core=0 --metrics-bind-address=127.0.0.1:10249 --nodeport-addresses=127.0.0.0/8,$NODE_IP/32
node_ready() { kubectl get node "$NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' | grep -qx True; }
wait_for "node $NODE Ready" 240 node_ready
say "node Ready"
kubectl apply -f "$HERE/manifests/coredns.yaml" >/dev/null
kubectl -n kube-system rollout status deploy/coredns --timeout=120s >/dev/null
say "CoreDNS ready"
echo "$KC/admin.conf"
