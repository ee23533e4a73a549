import { fileURLToPath } from 'node:url';
import { prometheusModuleVersion, versions, type ComponentName } from './versions.ts';

/** One file of an official release, with the checksum that vouches for it. */
export interface ReleaseArtifact {
  readonly url: string;
  readonly checksumUrl: string;
  /** File name to look up in a multi-line checksum file (`SHA256SUMS`); absent for single-hash files. */
  readonly checksumEntry?: string;
  /** For a .tar.gz release: the binary's path inside the archive. */
  readonly archiveMember?: string;
}

/** How to build a component from the Go module proxy. */
export type GoBuildRecipe = GoBuildSteps & (
  | {
      /** Absolute path of the wrapper module in this repo, whose go.mod and go.sum pin the build. */
      readonly moduleDir: string;
      /**
       * Another version of the module the wrapper pins (`--component`): the build requires it in a
       * scratch copy of the wrapper, and `go mod tidy` settles the rest through the module proxy.
       */
      readonly retarget?: Retarget;
    }
  | {
      /**
       * Build the main package at this version with upstream's own go.mod and go.sum (`go install
       * pkg@version`, checked against the checksum database): a wrapper module cannot pin a module
       * that the proxy here refuses, since its go.sum cannot be written.
       */
      readonly upstreamVersion: string;
    }
);

interface GoBuildSteps {
  /** Import path of the main package. */
  readonly mainPackage: string;
  /** The binary the build writes. */
  readonly output: string;
  readonly ldflags: readonly string[];
  /** Go build tags, e.g. to leave out service discovery we never use. */
  readonly tags?: readonly string[];
  /** Edits to the pinned module's source, made in a scratch copy of it at build time; each must match exactly once. */
  readonly sourcePatches?: readonly SourcePatch[];
}

export interface ModuleVersion {
  readonly module: string;
  readonly version: string;
}

export interface Retarget extends ModuleVersion {
  /**
   * The version at which the modules that the target's own go.mod replaces with its in-tree
   * directories (Kubernetes's `./staging/src/k8s.io/…`) are published: a wrapper cannot use
   * those directories, so it replaces each with this published version instead, as the pinned
   * wrapper does.
   */
  readonly stagedAt?: string;
}

/** A one-place edit of a file in a dependency module, made at build time so no copy is committed. */
export interface SourcePatch {
  readonly module: string;
  /** Path of the file inside the module. */
  readonly file: string;
  readonly find: string;
  readonly replace: string;
  /** Why upstream's behaviour cannot be kept; shown in the build log. */
  readonly reason: string;
}

/** Why no Go build can give a component at its pinned version. */
export interface NoGoBuild {
  readonly unavailable: string;
}

export interface ComponentSpec {
  readonly name: ComponentName;
  readonly version: string;
  /**
   * `core`: what the embedded cluster and `npm test` run, provisioned on demand.
   * `addon`: a controller started only when a scenario asks for it, and skipped where it cannot be had.
   * `provider-tool`: a command the kind provider runs, installed when asked (`testbed doctor --install`).
   */
  readonly scope: 'core' | 'addon' | 'provider-tool';
  /** Binaries this component provides. A Go build may provide them as links to one multi-call binary. */
  readonly binaries: readonly string[];
  /** Official release binaries; absent when upstream publishes only container images. */
  readonly release?: {
    /** Default base of release downloads; `TESTBED_<NAME>_RELEASE_URL` replaces it (mirrors, tests). */
    readonly baseUrl: string;
    artifact(binary: string, baseUrl: string): ReleaseArtifact;
  };
  readonly goBuild: GoBuildRecipe | NoGoBuild;
}

/** The recipe that builds `spec` from the Go module proxy; throws why when none can. */
export function goRecipe(spec: ComponentSpec): GoBuildRecipe {
  if ('unavailable' in spec.goBuild) throw new Error(`no Go build of ${spec.name} ${spec.version}: ${spec.goBuild.unavailable}`);
  return spec.goBuild;
}

/** The environment variable the patched Reloader build reads its listen address from. */
export const RELOADER_LISTEN_ENV = 'TESTBED_RELOADER_LISTEN_ADDRESS';

const goArch = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch] ?? process.arch;
const wrapperModule = (name: string) => fileURLToPath(new URL(`./go/${name}`, import.meta.url));

/** A GoReleaser release on GitHub: `<name>_<x.y.z>_linux_<arch>.tar.gz` beside `<name>_<x.y.z>_checksums.txt`. */
function goReleaserRelease(repo: string, name: string, version: string): NonNullable<ComponentSpec['release']> {
  const archive = `${name}_${version.slice(1)}_linux_${goArch}.tar.gz`;
  return {
    baseUrl: `https://github.com/${repo}/releases/download`,
    artifact: (_binary, base) => ({
      url: `${base}/${version}/${archive}`,
      checksumUrl: `${base}/${version}/${name}_${version.slice(1)}_checksums.txt`,
      checksumEntry: archive,
      archiveMember: name,
    }),
  };
}

/** Kubernetes's version stamp, for the control plane and kubectl alike. */
const kubernetesVersionLdflags = (version: string) => [
  `-X k8s.io/component-base/version.gitVersion=${version}`,
  `-X k8s.io/component-base/version.gitMajor=${version.split('.')[0]!.slice(1)}`,
  `-X k8s.io/component-base/version.gitMinor=${version.split('.')[1]}`,
  '-X k8s.io/component-base/version.gitTreeState=clean',
];

/** Kubernetes's release layout: `<base>/<version>/bin/linux/<arch>/<binary>` beside its `.sha256`. */
const kubernetesRelease = (version: string): NonNullable<ComponentSpec['release']> => ({
  baseUrl: 'https://dl.k8s.io/release',
  artifact: (binary, base) => {
    const url = `${base}/${version}/bin/linux/${goArch}/${binary}`;
    return { url, checksumUrl: `${url}.sha256` };
  },
});

/** Kubernetes's staging modules (k8s.io/api, …) are published as v0.Y.Z beside its vX.Y.Z. */
export const kubernetesStagingVersion = (release: string) => `v0.${release.split('.').slice(1).join('.')}`;

const kubernetesAt = (version: string): ComponentSpec => ({
  name: 'kubernetes',
  version,
  scope: 'core',
  binaries: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'],
  release: kubernetesRelease(version),
  goBuild: { ...wrapperAt('kubernetes', version), mainPackage: '.', output: 'kube', ldflags: kubernetesVersionLdflags(version) },
});

const etcd: ComponentSpec = {
  name: 'etcd',
  version: versions.etcd,
  scope: 'core',
  binaries: ['etcd'],
  release: {
    baseUrl: 'https://github.com/etcd-io/etcd/releases/download',
    artifact: (_binary, base) => {
      const archive = `etcd-${versions.etcd}-linux-${goArch}`;
      return {
        url: `${base}/${versions.etcd}/${archive}.tar.gz`,
        checksumUrl: `${base}/${versions.etcd}/SHA256SUMS`,
        checksumEntry: `${archive}.tar.gz`,
        archiveMember: `${archive}/etcd`,
      };
    },
  },
  goBuild: {
    moduleDir: wrapperModule('etcd'),
    mainPackage: 'go.etcd.io/etcd/server/v3',
    output: 'etcd',
    ldflags: [],
  },
};

const prometheusAt = (version: string): ComponentSpec => ({
  name: 'prometheus',
  version,
  scope: 'core',
  binaries: ['prometheus'],
  release: {
    baseUrl: 'https://github.com/prometheus/prometheus/releases/download',
    artifact: (_binary, base) => {
      const archive = `prometheus-${version.slice(1)}.linux-${goArch}`;
      return {
        url: `${base}/${version}/${archive}.tar.gz`,
        checksumUrl: `${base}/${version}/sha256sums.txt`,
        checksumEntry: `${archive}.tar.gz`,
        archiveMember: `${archive}/prometheus`,
      };
    },
  },
  goBuild: {
    ...wrapperAt('prometheus', version),
    mainPackage: 'github.com/prometheus/prometheus/cmd/prometheus',
    output: 'prometheus',
    ldflags: [`-X github.com/prometheus/common/version.Version=${version.slice(1)}`, '-X github.com/prometheus/common/version.Branch=HEAD'],
    // Only Kubernetes service discovery is used; the rest would double the build.
    tags: ['remove_all_sd', 'enable_kubernetes_sd'],
  },
});

/** The module the wrapper of each component `--component` can move to another version. */
export const OVERRIDABLE_MODULES = {
  kubernetes: 'k8s.io/kubernetes',
  flagger: 'github.com/fluxcd/flagger',
  reloader: 'github.com/stakater/Reloader',
  prometheus: 'github.com/prometheus/prometheus',
} as const;
export type OverridableComponent = keyof typeof OVERRIDABLE_MODULES;

/** The module version of a component's release: Prometheus 3.x.y is published as v0.3xx.y, the others as themselves. */
export const moduleVersionOf = (name: OverridableComponent, version: string) => (name === 'prometheus' ? prometheusModuleVersion(version) : version);

/** The wrapper module's build, at the pin or moved to `version`. */
const wrapperAt = (name: OverridableComponent, version: string) => ({
  moduleDir: wrapperModule(name === 'kubernetes' ? 'kube' : name),
  ...(version === versions[name]
    ? {}
    : { retarget: { module: OVERRIDABLE_MODULES[name], version: moduleVersionOf(name, version), ...(name === 'kubernetes' ? { stagedAt: kubernetesStagingVersion(version) } : {}) } }),
});

const flaggerAt = (version: string): ComponentSpec => ({
  name: 'flagger',
  version,
  scope: 'core',
  binaries: ['flagger'],
  goBuild: {
    ...wrapperAt('flagger', version),
    mainPackage: 'github.com/fluxcd/flagger/cmd/flagger',
    output: 'flagger',
    ldflags: [],
    sourcePatches: [{
      module: OVERRIDABLE_MODULES.flagger,
      file: 'pkg/server/server.go',
      find: '":" + port',
      replace: '"127.0.0.1:" + port',
      reason: 'Flagger binds its /metrics and /healthz listener on every interface and has no flag to change it; every listener here binds loopback only',
    }],
  },
});

const reloaderAt = (version: string): ComponentSpec => ({
  name: 'reloader',
  version,
  scope: 'core',
  binaries: ['reloader'],
  goBuild: {
    ...wrapperAt('reloader', version),
    mainPackage: 'github.com/stakater/Reloader',
    output: 'reloader',
    ldflags: [`-X github.com/stakater/Reloader/pkg/common.Version=${version}`],
    sourcePatches: [{
      module: OVERRIDABLE_MODULES.reloader,
      file: 'internal/pkg/cmd/reloader.go',
      find: 'http.ListenAndServe(constants.DefaultHttpListenAddr, nil)',
      replace: `http.ListenAndServe(func() string { if a := os.Getenv("${RELOADER_LISTEN_ENV}"); a != "" { return a }; return "127.0.0.1" + constants.DefaultHttpListenAddr }(), nil)`,
      reason: `Reloader serves /metrics and /live on ":9090", every interface, and has no flag to change it; every listener here binds loopback only, on the port the harness picks (${RELOADER_LISTEN_ENV}, else 127.0.0.1:9090)`,
    }],
  },
});

/**
 * controller-runtime binds its metrics server to this package variable (":8080", every
 * interface) when the manager's options leave it unset, as Wave's do.
 */
export const WAVE_METRICS_ADDRESS = '127.0.0.1:8080';

const wave: ComponentSpec = {
  name: 'wave',
  version: versions.wave,
  scope: 'addon',
  binaries: ['wave'],
  goBuild: {
    mainPackage: 'github.com/wave-k8s/wave/cmd/manager',
    upstreamVersion: versions.wave,
    output: 'manager',
    ldflags: [`-X sigs.k8s.io/controller-runtime/pkg/metrics/server.DefaultBindAddress=${WAVE_METRICS_ADDRESS}`],
  },
};

const vegeta: ComponentSpec = {
  name: 'vegeta',
  version: versions.vegeta,
  scope: 'core',
  binaries: ['vegeta'],
  release: goReleaserRelease('tsenart/vegeta', 'vegeta', versions.vegeta),
  goBuild: {
    moduleDir: wrapperModule('vegeta'),
    mainPackage: 'github.com/tsenart/vegeta/v12',
    output: 'vegeta',
    ldflags: [`-X main.Version=${versions.vegeta}`],
  },
};

const actionlint: ComponentSpec = {
  name: 'actionlint',
  version: versions.actionlint,
  scope: 'core',
  binaries: ['actionlint'],
  release: goReleaserRelease('rhysd/actionlint', 'actionlint', versions.actionlint),
  goBuild: {
    moduleDir: wrapperModule('actionlint'),
    mainPackage: 'github.com/rhysd/actionlint/cmd/actionlint',
    output: 'actionlint',
    ldflags: [`-X github.com/rhysd/actionlint.version=${versions.actionlint}`],
  },
};

const kind: ComponentSpec = {
  name: 'kind',
  version: versions.kind,
  scope: 'provider-tool',
  binaries: ['kind'],
  release: {
    baseUrl: 'https://github.com/kubernetes-sigs/kind/releases/download',
    artifact: (_binary, base) => {
      const url = `${base}/${versions.kind}/kind-linux-${goArch}`;
      return { url, checksumUrl: `${url}.sha256sum`, checksumEntry: `kind-linux-${goArch}` };
    },
  },
  goBuild: { moduleDir: wrapperModule('kind'), mainPackage: 'sigs.k8s.io/kind', output: 'kind', ldflags: [] },
};

const istioctl: ComponentSpec = {
  name: 'istioctl',
  version: versions.istio,
  scope: 'provider-tool',
  binaries: ['istioctl'],
  release: {
    baseUrl: 'https://github.com/istio/istio/releases/download',
    artifact: (_binary, base) => {
      const archive = `istioctl-${versions.istio.slice(1)}-linux-${goArch}.tar.gz`;
      const url = `${base}/${versions.istio.slice(1)}/${archive}`;
      return { url, checksumUrl: `${url}.sha256`, checksumEntry: archive, archiveMember: 'istioctl' };
    },
  },
  goBuild: { unavailable: `istio.io/istio tags no Go module version for ${versions.istio} (the proxy serves only pseudo-versions)` },
};

const kubectl: ComponentSpec = {
  name: 'kubectl',
  version: versions.kubernetes,
  scope: 'provider-tool',
  binaries: ['kubectl'],
  release: kubernetesRelease(versions.kubernetes),
  goBuild: { moduleDir: wrapperModule('kubectl'), mainPackage: 'k8s.io/kubernetes/cmd/kubectl', output: 'kubectl', ldflags: kubernetesVersionLdflags(versions.kubernetes) },
};

export const catalog: Readonly<Record<ComponentName, ComponentSpec>> = {
  kubernetes: kubernetesAt(versions.kubernetes), etcd, prometheus: prometheusAt(versions.prometheus), flagger: flaggerAt(versions.flagger), reloader: reloaderAt(versions.reloader), wave, vegeta, actionlint, kind, istioctl, kubectl,
};

/** Versions a run asks for instead of the pins (`--component NAME=VERSION`). */
export type ComponentVersions = Readonly<Partial<Record<OverridableComponent, string>>>;

const AT_VERSION: Readonly<Record<OverridableComponent, (version: string) => ComponentSpec>> = { kubernetes: kubernetesAt, flagger: flaggerAt, reloader: reloaderAt, prometheus: prometheusAt };

export const isOverridable = (name: string): name is OverridableComponent => name in OVERRIDABLE_MODULES;

/** The component, at the version `wanted` names for it, else at its pin. */
export function componentAt(name: ComponentName, wanted: ComponentVersions = {}): ComponentSpec {
  const version = isOverridable(name) ? wanted[name] : undefined;
  return version === undefined ? catalog[name] : AT_VERSION[name as OverridableComponent](version);
}

/**
 * Tools scenarios run on this machine whatever the provider: the load generator, and kubectl
 * (config-change applies kustomizations with it; conflicting-apply checks its applies).
 */
export const LOCAL_TOOLS: readonly string[] = ['vegeta', 'kubectl'];

/** The component that provides `binary`, at the version `wanted` names for it, else at its pin. */
export function componentOf(binary: string, wanted: ComponentVersions = {}): ComponentSpec {
  const spec = Object.values(catalog).find((c) => c.binaries.includes(binary));
  if (!spec) throw new Error(`unknown binary ${binary}; known: ${Object.values(catalog).flatMap((c) => c.binaries).join(', ')}`);
  return componentAt(spec.name, wanted);
}

/** `kube-apiserver` → `TESTBED_KUBE_APISERVER_BIN`. */
export const overrideEnvVar = (binary: string) => `TESTBED_${binary.toUpperCase().replace(/-/g, '_')}_BIN`;
export const releaseUrlEnvVar = (component: ComponentName) => `TESTBED_${component.toUpperCase()}_RELEASE_URL`;
