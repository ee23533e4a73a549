import { build } from 'esbuild';

/**
 * Bundles a TypeScript entry point into one ESM file that plain `node` runs. The node agent and
 * each demo pod then run without a TypeScript loader of their own: faster starts, and about
 * half the memory per process.
 */
export async function bundleForNode(entry: string, outFile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
}
