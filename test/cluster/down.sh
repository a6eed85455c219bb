#!/usr/bin/env bash
# Stops what up.sh started, by the pids it wrote, in reverse order. Pod processes are children of containerd's shims,
# not of the kubelet: the pods are deleted first, then whatever tasks remain are killed through containerd.
LAB=${CLUSTER_LAB_DIR:-$HOME/.cache/openai-gemini-sidecar/cluster}
RUN=$LAB/run
export PATH=$LAB/bin:$PATH:/usr/sbin:/sbin
ctr() { command ctr --address "$RUN/containerd/containerd.sock" -n k8s.io "$@"; }
stop() { # NAME: SIGTERM, 15 s, then SIGKILL
  local file=$RUN/pids/$1.pid pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null && echo "killed $1 ($pid)" || echo "stopped $1 ($pid)"
  fi
  rm -f "$file"
}
if [ -f "$RUN/pids/kube-apiserver.pid" ]; then
  KUBECONFIG=$RUN/kubeconfig/super-admin.conf timeout 30 kubectl delete pods --all -A --grace-period=1 --wait=true >/dev/null 2>&1
fi
for name in kube-proxy kubelet kube-scheduler kube-controller-manager kube-apiserver etcd; do stop $name; done
# kube-proxy's iptables rules (NodePorts on 127.0.0.1 to pods that are gone) go with it; the nftables half of its
# cleanup fails without nft, which is not used here.
kube-proxy --cleanup >/dev/null 2>&1
if [ -f "$RUN/pids/containerd.pid" ]; then
  for task in $(ctr tasks ls -q 2>/dev/null); do ctr tasks kill -s KILL "$task" >/dev/null 2>&1; done
  sleep 1
  for task in $(ctr tasks ls -q 2>/dev/null); do ctr tasks delete -f "$task" >/dev/null 2>&1; done
  for sandbox in $(ctr containers ls -q 2>/dev/null); do ctr containers delete "$sandbox" >/dev/null 2>&1; done
  stop containerd
  # Shims outlive containerd; each one serves a pod of this lab (its -address names our socket).
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $RUN/containerd/containerd.sock" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
fi
# Network namespaces of pods whose sandboxes were never torn down (containerd stopped first) keep their veth on cni0
# and their pod IP: the next lab, starting its IP allocation afresh, would hand that IP out again (two pods answering
# one address). Only namespaces holding an address of the lab's pod range are removed.
for netns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
  if ip netns exec "$netns" ip -4 -o addr show 2>/dev/null | grep -q ' 10\.244\.'; then ip netns delete "$netns"; fi
done
bash "$(dirname "$0")/lab-images.sh" stop-docker 2>/dev/null
grep -o " $RUN/[^ ]*" /proc/mounts | sort -r | while read -r mount; do umount -l "$mount" 2>/dev/null; done
true
