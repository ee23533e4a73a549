import { goModuleSource, isOverridable, moduleVersionOf, OVERRIDABLE_MODULES, versions, type ComponentVersions } from '../clusters/components/index.ts';
import type { Progress } from '../clusters/progress.ts';
import { UsageError } from './usage-error.ts';

/** Every embedded cluster runs these; an add-on runs only for the scenarios that need it. */
export const isClusterComponent = (name: string) => name === 'kubernetes' || name === 'prometheus';

/**
 * `--component NAME=VERSION…` as versions to run instead of the pins: each a component that can run
 * at another version, at a version the Go module proxy serves (its source is fetched now, before any
 * cluster work, and gives the manifests and the build alike).
 */
export async function componentVersions(values: readonly string[], run: { readonly provider: string; readonly addons: readonly string[] }, progress: Progress): Promise<ComponentVersions> {
  if (values.length && run.provider !== 'embedded') throw new UsageError(`--component applies to --provider embedded; the ${run.provider} provider runs its cluster's own controllers`);
  const wanted: Record<string, string> = {};
  for (const value of values) {
    const [name = '', version = ''] = value.split('=', 2);
    if (!isOverridable(name)) {
      throw new UsageError(`--component ${value}: only ${Object.keys(OVERRIDABLE_MODULES).join(', ')} can run at another version than the pin`);
    }
    if (!/^v\d+\.\d+\.\d+$/.test(version)) throw new UsageError(`--component ${value}: expected NAME=vX.Y.Z, e.g. ${name}=${versions[name]}`);
    if (!isClusterComponent(name) && !run.addons.includes(name)) throw new UsageError(`--component ${value}: no selected scenario runs ${name}`);
    await goModuleSource(OVERRIDABLE_MODULES[name], moduleVersionOf(name, version), progress).catch((err: Error) => {
      throw new UsageError(`--component ${value}: ${name} ${version} cannot be had: ${err.message.split('\n')[0]}`);
    });
    wanted[name] = version;
  }
  return wanted;
}
