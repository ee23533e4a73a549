import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { versions } from '../../clusters/components/index.ts';

/**
 * Flagger's built-in Istio queries, read verbatim from the pinned Flagger module source
 * (pkg/metrics/observers/istio.go) and rendered as Flagger renders them.
 */
export async function flaggerIstioQuery(name: 'request-success-rate' | 'request-duration', model: { namespace: string; target: string; interval: string }): Promise<string> {
  const res = await execa('go', ['mod', 'download', '-json', `github.com/fluxcd/flagger@${versions.flagger}`], { env: { GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' } });
  const dir = (JSON.parse(res.stdout) as { Dir: string }).Dir;
  const source = await readFile(join(dir, 'pkg/metrics/observers/istio.go'), 'utf8');
  const template = new RegExp(`"${name}": \`([^\`]+)\``).exec(source)?.[1];
  if (!template) throw new Error(`no ${name} query in Flagger ${versions.flagger}'s istio.go`);
  return template.replace(/\{\{\s*(namespace|target|interval)\s*\}\}/g, (_m, key: keyof typeof model) => model[key]);
}
