/** A project's `testbed.config.ts`: its default export, made with `defineConfig`. */
export interface TestbedConfig {
  /** A folder of `*.scenario.ts` files, relative to the config file; what `--scenarios` names otherwise. */
  readonly scenarios?: string;
}

export const CONFIG_FILE = 'testbed.config.ts';

export function defineConfig(config: TestbedConfig): TestbedConfig {
  return config;
}
