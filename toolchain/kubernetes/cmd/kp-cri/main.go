// kp-cri: the few CRI calls `npm run k8s -- down` needs, made the way the kubelet makes them,
// so that containerd's CRI plugin undoes what it did for each pod: StopPodSandbox kills the
// pod's containers and runs CNI DEL (the veth, the host-local address, portmap's and the
// firewall plugin's iptables rules, libcni's cache in /var/lib/cni) and unmounts the pod's
// network namespace; RemovePodSandbox then deletes the containers and their snapshots.
//
//	kp-cri clean ENDPOINT   stop and remove every pod sandbox; prints how many
//	kp-cri count ENDPOINT   prints the number of pod sandboxes and containers
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	criremote "k8s.io/cri-client/pkg"
)

func main() {
	if len(os.Args) != 3 || (os.Args[1] != "clean" && os.Args[1] != "count") {
		fmt.Fprintln(os.Stderr, "usage: kp-cri clean|count unix:///path/to/containerd.sock")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "kp-cri:", err)
		os.Exit(1)
	}
}

func run(cmd, endpoint string) error {
	rt, err := criremote.NewRemoteRuntimeService(endpoint, 10*time.Second, nil, nil)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pods, err := rt.ListPodSandbox(ctx, nil)
	if err != nil {
		return fmt.Errorf("listing pod sandboxes: %w", err)
	}
	if cmd == "count" {
		containers, err := rt.ListContainers(ctx, nil)
		if err != nil {
			return fmt.Errorf("listing containers: %w", err)
		}
		fmt.Printf("%d sandboxes, %d containers\n", len(pods), len(containers))
		return nil
	}
	failed := 0
	for _, p := range pods {
		name := p.Metadata.Namespace + "/" + p.Metadata.Name
		if err := rt.StopPodSandbox(ctx, p.Id); err != nil {
			fmt.Fprintf(os.Stderr, "stop %s: %v\n", name, err)
			failed++
			continue
		}
		if err := rt.RemovePodSandbox(ctx, p.Id); err != nil {
			fmt.Fprintf(os.Stderr, "remove %s: %v\n", name, err)
			failed++
		}
	}
	// Containers outside any listed sandbox (none expected): removed as well.
	containers, err := rt.ListContainers(ctx, nil)
	if err != nil {
		return fmt.Errorf("listing containers: %w", err)
	}
	for _, c := range containers {
		_ = rt.StopContainer(ctx, c.Id, 0)
		if err := rt.RemoveContainer(ctx, c.Id); err != nil {
			fmt.Fprintf(os.Stderr, "remove container %s: %v\n", c.Id, err)
			failed++
		}
	}
	fmt.Printf("removed %d pod sandboxes\n", len(pods)-failed)
	if failed > 0 {
		return fmt.Errorf("%d sandboxes or containers not removed", failed)
	}
	return nil
}
