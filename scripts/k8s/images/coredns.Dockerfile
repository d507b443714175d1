# The cluster DNS of the local Kubernetes: the static CoreDNS binary of
# toolchain/kubernetes/build.sh (toolchain/coredns), nothing else (the kubelet mounts
# /etc/resolv.conf; the Corefile comes from a ConfigMap).
ARG BASE_IMAGE=scratch
FROM ${BASE_IMAGE}
COPY coredns /coredns
EXPOSE 53 53/udp
ENTRYPOINT ["/coredns"]
