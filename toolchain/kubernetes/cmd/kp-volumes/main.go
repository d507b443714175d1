// kp-volumes: the volume provisioner of the local Kubernetes (`npm run k8s`), ours. For each
// pending claim of a StorageClass whose provisioner is kafka-platform.io/local-volume it makes a
// folder under --dir and a `local` PersistentVolume bound to the claim (node affinity: the one
// node); when such a volume is released and its reclaim policy is Delete, it removes the folder
// and the volume.
//
// Why not the controller-manager's hostPath provisioner: the kubelet applies a pod's fsGroup to
// `local` volumes but never to hostPath ones, and the hostPath provisioner makes its folders
// root-owned with mode 0750, so a pod running as another user (Kafka and ZooKeeper run as
// 1001, with fsGroup 1001, as on any cluster with real storage) could not write to its volume.
// Folders here are mode 0777 as well, for pods without an fsGroup.
//
// A small loop that lists claims and volumes every --interval (a one-node cluster has few).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

const (
	annProvisionedBy = "pv.kubernetes.io/provisioned-by"
	annSelectedNode  = "volume.kubernetes.io/selected-node"
)

type provisioner struct {
	client kubernetes.Interface
	name   string // the StorageClasses' provisioner field this serves
	dir    string // absolute; every volume is a folder directly under it
	node   string
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the provisioner's identity")
	name := flag.String("provisioner", "kafka-platform.io/local-volume", "provisioner name in StorageClasses")
	dir := flag.String("dir", "", "folder that holds the volumes")
	node := flag.String("node", "", "the node's name (the volumes' node affinity)")
	interval := flag.Duration("interval", 2*time.Second, "how often claims and volumes are looked at")
	flag.Parse()
	if *kubeconfig == "" || *dir == "" || *node == "" || !filepath.IsAbs(*dir) {
		log.Fatal("usage: kp-volumes --kubeconfig FILE --dir ABSOLUTE_DIR --node NAME [--provisioner NAME] [--interval 2s]")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatalf("kubeconfig: %v", err)
	}
	cfg.UserAgent = "kp-volumes"
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Fatalf("client: %v", err)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatalf("volumes folder: %v", err)
	}
	p := &provisioner{client: client, name: *name, dir: filepath.Clean(*dir), node: *node}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	log.Printf("serving StorageClasses of provisioner %s: volumes in %s on node %s", p.name, p.dir, p.node)
	lastErr := ""
	for {
		// One error line per change of error, not one per round.
		if err := p.round(ctx); err != nil && err.Error() != lastErr {
			log.Printf("error: %v", err)
			lastErr = err.Error()
		} else if err == nil {
			lastErr = ""
		}
		select {
		case <-ctx.Done():
			log.Print("stopping")
			return
		case <-time.After(*interval):
		}
	}
}

func (p *provisioner) round(ctx context.Context) error {
	classes, err := p.client.StorageV1().StorageClasses().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("listing StorageClasses: %w", err)
	}
	ours := map[string]*storagev1.StorageClass{}
	for i := range classes.Items {
		if classes.Items[i].Provisioner == p.name {
			ours[classes.Items[i].Name] = &classes.Items[i]
		}
	}
	claims, err := p.client.CoreV1().PersistentVolumeClaims("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("listing claims: %w", err)
	}
	var errs []string
	for i := range claims.Items {
		c := &claims.Items[i]
		if c.Status.Phase != corev1.ClaimPending || c.Spec.VolumeName != "" || c.Spec.StorageClassName == nil || c.DeletionTimestamp != nil {
			continue
		}
		class, ok := ours[*c.Spec.StorageClassName]
		if !ok {
			continue
		}
		if class.VolumeBindingMode != nil && *class.VolumeBindingMode == storagev1.VolumeBindingWaitForFirstConsumer && c.Annotations[annSelectedNode] == "" {
			continue // the scheduler picks the node first
		}
		if err := p.provision(ctx, c, class); err != nil {
			errs = append(errs, fmt.Sprintf("claim %s/%s: %v", c.Namespace, c.Name, err))
		}
	}
	volumes, err := p.client.CoreV1().PersistentVolumes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("listing volumes: %w", err)
	}
	for i := range volumes.Items {
		v := &volumes.Items[i]
		if v.Annotations[annProvisionedBy] != p.name || v.DeletionTimestamp != nil {
			continue
		}
		released := v.Status.Phase == corev1.VolumeReleased || v.Status.Phase == corev1.VolumeFailed
		if released && v.Spec.PersistentVolumeReclaimPolicy == corev1.PersistentVolumeReclaimDelete {
			if err := p.remove(ctx, v); err != nil {
				errs = append(errs, fmt.Sprintf("volume %s: %v", v.Name, err))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

func (p *provisioner) provision(ctx context.Context, c *corev1.PersistentVolumeClaim, class *storagev1.StorageClass) error {
	if c.Spec.VolumeMode != nil && *c.Spec.VolumeMode == corev1.PersistentVolumeBlock {
		return fmt.Errorf("block volumes are not supported (only Filesystem)")
	}
	name := "pvc-" + string(c.UID)
	if _, err := p.client.CoreV1().PersistentVolumes().Get(ctx, name, metav1.GetOptions{}); err == nil {
		return nil // made in an earlier round; the PV controller binds it
	} else if !apierrors.IsNotFound(err) {
		return err
	}
	path := filepath.Join(p.dir, name)
	if err := os.MkdirAll(path, 0o777); err != nil {
		return err
	}
	if err := os.Chmod(path, 0o777); err != nil { // the umask took bits away
		return err
	}
	size, ok := c.Spec.Resources.Requests[corev1.ResourceStorage]
	if !ok {
		return fmt.Errorf("the claim requests no storage size")
	}
	reclaim := corev1.PersistentVolumeReclaimDelete
	if class.ReclaimPolicy != nil {
		reclaim = *class.ReclaimPolicy
	}
	fs := corev1.PersistentVolumeFilesystem
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{annProvisionedBy: p.name}},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
			AccessModes:                   c.Spec.AccessModes,
			PersistentVolumeReclaimPolicy: reclaim,
			StorageClassName:              class.Name,
			MountOptions:                  class.MountOptions,
			VolumeMode:                    &fs,
			ClaimRef: &corev1.ObjectReference{
				Kind: "PersistentVolumeClaim", APIVersion: "v1", Namespace: c.Namespace, Name: c.Name, UID: c.UID,
			},
			PersistentVolumeSource: corev1.PersistentVolumeSource{Local: &corev1.LocalVolumeSource{Path: path}},
			NodeAffinity: &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
				MatchExpressions: []corev1.NodeSelectorRequirement{{Key: corev1.LabelHostname, Operator: corev1.NodeSelectorOpIn, Values: []string{p.node}}},
			}}}},
		},
	}
	if _, err := p.client.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	log.Printf("provisioned %s for claim %s/%s (%s, %s)", name, c.Namespace, c.Name, size.String(), path)
	return nil
}

func (p *provisioner) remove(ctx context.Context, v *corev1.PersistentVolume) error {
	if v.Spec.Local == nil {
		return fmt.Errorf("not a local volume")
	}
	path := filepath.Clean(v.Spec.Local.Path)
	// Only a folder directly under ours, whatever the volume object says.
	if filepath.Dir(path) != p.dir || filepath.Base(path) != v.Name {
		return fmt.Errorf("refusing to delete %s: not %s/%s", path, p.dir, v.Name)
	}
	if err := os.RemoveAll(path); err != nil {
		return err
	}
	uid := v.UID
	err := p.client.CoreV1().PersistentVolumes().Delete(ctx, v.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	claim := "-"
	if v.Spec.ClaimRef != nil {
		claim = v.Spec.ClaimRef.Namespace + "/" + v.Spec.ClaimRef.Name
	}
	log.Printf("deleted %s (its claim %s was released) and %s", v.Name, claim, path)
	return nil
}
