# The pod sandbox image of the local Kubernetes (containerd's sandbox_image): the static pause
# binary that toolchain/kubernetes/build.sh compiles from the k8s.io/kubernetes module's
# build/pause/linux/pause.c, as upstream's registry.k8s.io/pause is made.
ARG BASE_IMAGE=scratch
FROM ${BASE_IMAGE}
COPY pause /pause
USER 65535:65535
ENTRYPOINT ["/pause"]
