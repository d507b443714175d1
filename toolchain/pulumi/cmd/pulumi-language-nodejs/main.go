// Command pulumi-language-nodejs is a small Node.js language host for the Pulumi CLI.
//
// Why it exists: Pulumi's own host lives in an untagged nested module that the Go
// module proxy reachable here refuses, so the project ships this one, built
// against the served sdk/v3 module. It implements what `pulumi preview|up|destroy`
// need: discover the provider plugins a program uses (node_modules package.json
// "pulumi" fields) and run the program with the SDK's own runner
// (@pulumi/pulumi/cmd/run). Not supported: synchronous invokes through pipes
// (deprecated), debugger attach, code generation, policy packs and `pulumi new`.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Exit code with which @pulumi/pulumi's runner says "the user was already shown an
// actionable message": the engine should stop without adding its own.
const exitAfterUserMessage = 32

func main() {
	flag.String("tracing", "", "accepted for compatibility; tracing is not supported")
	runtimeName := flag.String("runtime", "nodejs", "only nodejs is supported")
	showVersion := flag.Bool("version", false, "print the plugin version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	if *runtimeName != "nodejs" {
		fail(fmt.Errorf("unsupported runtime %q: this host runs nodejs only", *runtimeName))
	}
	// The CLI passes its engine address as the last positional argument.
	engine := ""
	if args := flag.Args(); len(args) > 0 {
		engine = args[len(args)-1]
	}

	cancel := make(chan bool)
	if engine != "" {
		// Exit when the engine goes away instead of lingering as an orphan.
		if err := rpcutil.Healthcheck(context.Background(), engine, 5*time.Minute, func() { close(cancel) }); err != nil {
			fail(fmt.Errorf("cannot watch the engine at %s: %w", engine, err))
		}
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, &host{engine: engine})
			return nil
		},
	})
	if err != nil {
		fail(fmt.Errorf("cannot start the language host server: %w", err))
	}
	// The CLI reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fail(fmt.Errorf("language host server stopped: %w", err))
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
	os.Exit(1)
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engine string
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) Handshake(context.Context, *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// packageJSON holds the fields of a package.json this host reads.
type packageJSON struct {
	Name         string            `json:"name"`
	Version      string            `json:"version"`
	Dependencies map[string]string `json:"dependencies"`
	Pulumi       struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, nil
}

// GetRequiredPackages lists the resource plugins of every package whose package.json says
// {"pulumi": {"resource": true}}, in the node_modules folders node would search from the
// program directory (with `main: src/index.ts` that is src/) up to the project's root.
func (h *host) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	seen := map[string]bool{}
	var pkgs []*pulumirpc.PackageDependency
	for _, dir := range searchDirs(req.GetInfo().GetProgramDirectory(), req.GetInfo().GetRootDirectory()) {
		root := filepath.Join(dir, "node_modules")
		if resolved, err := filepath.EvalSymlinks(root); err == nil {
			root = resolved // WalkDir does not descend into a symlinked root
		} else {
			continue
		}
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() != "package.json" {
				return nil // unreadable folders and other files are not plugin sources
			}
			if dep, ok := pluginOf(path); ok && !seen[dep.Name+"@"+dep.Version] {
				seen[dep.Name+"@"+dep.Version] = true
				pkgs = append(pkgs, dep)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].Name+pkgs[i].Version < pkgs[j].Name+pkgs[j].Version })
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

// searchDirs returns dir and its parents up to and including root (dir alone if root is
// not above it).
func searchDirs(dir, root string) []string {
	dirs := []string{dir}
	rel, err := filepath.Rel(root, dir)
	if root == "" || err != nil || strings.HasPrefix(rel, "..") {
		return dirs
	}
	for d := dir; d != root && filepath.Dir(d) != d; {
		d = filepath.Dir(d)
		dirs = append(dirs, d)
	}
	return dirs
}

// pluginOf reads a package.json and returns the resource plugin it declares, if any.
func pluginOf(path string) (*pulumirpc.PackageDependency, bool) {
	p, err := readPackageJSON(path)
	if err != nil || !p.Pulumi.Resource {
		return nil, false
	}
	name := p.Pulumi.Name
	if name == "" {
		name = strings.TrimPrefix(p.Name, "@pulumi/")
	}
	v := p.Pulumi.Version
	if v == "" {
		v = p.Version
	}
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	return &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: v, Server: p.Pulumi.Server}, true
}

// Run starts `node <@pulumi/pulumi/cmd/run> ... <entry point>` in the program directory
// and reports how it ended.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "node is not on PATH: " + err.Error()}, nil
	}
	runner, err := resolveRunner(node, dir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	// The SDK reads config keys in the legacy "<namespace>:config:<name>" form.
	cfg := map[string]string{}
	for k, v := range req.GetConfig() {
		key, err := config.ParseKey(k)
		if err != nil {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("bad config key %q: %v", k, err)}, nil
		}
		cfg[key.Namespace()+":config:"+key.Name()] = v
	}
	cfgJSON, _ := json.Marshal(cfg)
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, _ := json.Marshal(secretKeys)

	args := []string{runner}
	opt := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	opt("monitor", req.GetMonitorAddress())
	opt("engine", h.engine)
	opt("organization", req.GetOrganization())
	opt("project", req.GetProject())
	opt("root-directory", info.GetRootDirectory())
	opt("stack", req.GetStack())
	opt("pwd", dir)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	opt("parallel", strconv.Itoa(int(req.GetParallel())))
	args = append(args, info.GetEntryPoint())
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(), "PULUMI_CONFIG="+string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON))
	opts := info.GetOptions().AsMap()
	if ts, ok := opts["typescript"].(bool); !ok || ts {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if p, ok := opts["tsconfig"].(string); ok && p != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+p)
	}

	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = dir
	cmd.Env = env
	// Go's writers, not the raw fds: node may switch its stdio to non-blocking mode.
	cmd.Stdout = struct{ *os.File }{os.Stdout}
	cmd.Stderr = struct{ *os.File }{os.Stderr}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exit) && exit.ExitCode() == exitAfterUserMessage:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exit):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())}, nil
	default:
		return &pulumirpc.RunResponse{Error: "could not run node: " + err.Error()}, nil
	}
}

// resolveRunner finds the SDK's runner the way node would from the program directory,
// so the program runs with the @pulumi/pulumi it depends on.
func resolveRunner(node, dir string) (string, error) {
	cmd := exec.Command(node, "-e", "console.log(require.resolve('@pulumi/pulumi/cmd/run'))")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("@pulumi/pulumi is not installed in %s (run npm ci): %v", dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// InstallDependencies is a no-op: the project's setup runs `npm ci` itself.
func (h *host) InstallDependencies(
	_ *pulumirpc.InstallDependenciesRequest, _ pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return nil
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimPrefix(strings.TrimSpace(string(out)), "v")}, nil
}

// GetProgramDependencies reports the program's direct dependencies as installed.
func (h *host) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	p, err := readPackageJSON(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	var deps []*pulumirpc.DependencyInfo
	for name := range p.Dependencies {
		if dep, err := readPackageJSON(filepath.Join(dir, "node_modules", name, "package.json")); err == nil {
			deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: dep.Version})
		}
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name < deps[j].Name })
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}
