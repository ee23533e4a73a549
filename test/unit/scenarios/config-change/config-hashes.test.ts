import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { kustomizeGeneratedName, kustomizeNameSuffix, type KustomizeGenerated } from '../../../../scenarios/config-change/kustomize-hash.ts';
import {
  RELOADER_LAST_RELOADED_FROM,
  parseLastReloadedFrom,
  reloaderConfigMapHash,
  reloaderEnvVarName,
  reloaderSecretHash,
} from '../../../../scenarios/config-change/reloader-hash.ts';
import { waveConfigHash, type WaveObject, type WaveReference } from '../../../../scenarios/config-change/wave-hash.ts';

// The fixtures were computed by the upstream projects' own code; see each file's "generator".
const fixture = async <T>(name: string): Promise<T> =>
  JSON.parse(await readFile(new URL(`../../../fixtures/config-hashes/${name}`, import.meta.url), 'utf8')) as T;

interface ReloaderVectors {
  configMaps: { description: string; data?: Record<string, string>; binaryData?: Record<string, string>; hash: string }[];
  secrets: { description: string; data: Record<string, string>; hash: string }[];
  envVarNames: { name: string; kind: 'ConfigMap' | 'Secret'; envVar: string }[];
  lastReloadedFrom: { description: string; annotation: string; value: string; type: string; name: string; namespace: string; hash: string }[];
}
interface KustomizeVectors {
  vectors: (KustomizeGenerated & { description: string; generatedName: string })[];
}
type WaveFixtureObject = Omit<WaveObject, 'kind'> & { kind: 'ConfigMap' | 'Secret' };
interface WaveVector {
  description: string;
  objects: WaveFixtureObject[] | null;
  references: WaveReference[] | null;
  hash: string;
}

const reloader = await fixture<ReloaderVectors>('reloader-vectors.json');
const kustomize = await fixture<KustomizeVectors>('kustomize-vectors.json');
const wave = await fixture<WaveVector[]>('wave-vectors.json');

describe('config hashes', () => {
  describe('Reloader v1.4.22', () => {
    for (const v of reloader.configMaps) {
      it(`hashes a ConfigMap as GetSHAfromConfigmap does: ${v.description}`, () => {
        expect(reloaderConfigMapHash(v)).to.equal(v.hash);
      });
    }
    for (const v of reloader.secrets) {
      it(`hashes a Secret as GetSHAfromSecret does: ${v.description}`, () => {
        expect(reloaderSecretHash(v.data)).to.equal(v.hash);
      });
    }
    for (const v of reloader.envVarNames) {
      it(`names the env var of ${v.kind} ${JSON.stringify(v.name)} ${v.envVar}`, () => {
        expect(reloaderEnvVarName(v.name, v.kind)).to.equal(v.envVar);
      });
    }
    for (const v of reloader.lastReloadedFrom) {
      it(`parses the ${v.annotation} annotation Reloader writes for a ${v.description}`, () => {
        expect(RELOADER_LAST_RELOADED_FROM).to.equal(v.annotation);
        expect(parseLastReloadedFrom(v.value)).to.deep.include({ type: v.type, name: v.name, namespace: v.namespace, hash: v.hash, containerRefs: ['app'] });
      });
    }

    it('changes both hashes when one character of a value changes', () => {
      expect(reloaderConfigMapHash({ data: { k: 'value1' } })).to.not.equal(reloaderConfigMapHash({ data: { k: 'value2' } }));
      expect(reloaderSecretHash({ k: 'dmFsdWUx' })).to.not.equal(reloaderSecretHash({ k: 'dmFsdWUy' }));
    });

    it('rejects a value that is not standard base64, and an annotation that is not a ReloadSource, quoting them', () => {
      expect(() => reloaderSecretHash({ k: 'not base64!' })).to.throw('data.k is not standard base64: "not base64!"');
      expect(() => parseLastReloadedFrom('{"type":"CONFIGMAP"}')).to.throw('is not a ReloadSource: "{\\"type\\":\\"CONFIGMAP\\"}"');
      expect(() => parseLastReloadedFrom('nope')).to.throw('is not JSON: "nope"');
    });
  });

  describe('kustomize v5.5.0', () => {
    for (const v of kustomize.vectors) {
      it(`names a generated object as kustomize does: ${v.description}`, () => {
        expect(kustomizeGeneratedName(v)).to.equal(v.generatedName);
      });
    }

    it('changes the suffix when one character of a value changes', () => {
      const cm = { kind: 'ConfigMap', name: 'c', data: { k: 'value1' } } as const;
      expect(kustomizeNameSuffix(cm)).to.not.equal(kustomizeNameSuffix({ ...cm, data: { k: 'value2' } }));
    });
  });

  describe('Wave v0.11.0', () => {
    // The vectors give Secret data as the strings Go stored as bytes; our input is the API's base64.
    const asApiObject = (o: WaveFixtureObject): WaveObject =>
      o.kind === 'Secret'
        ? { ...o, kind: 'Secret', data: Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) }
        : { ...o, kind: 'ConfigMap' };

    for (const v of wave) {
      it(`hashes as calculateConfigHash does: ${v.description}`, () => {
        expect(waveConfigHash((v.objects ?? []).map(asApiObject), v.references ?? [])).to.equal(v.hash);
      });
    }

    it('changes the hash when one character of a value changes', () => {
      const ref = [{ kind: 'ConfigMap', name: 'c', allKeys: true }] as const;
      expect(waveConfigHash([{ kind: 'ConfigMap', name: 'c', data: { k: 'value1' } }], ref))
        .to.not.equal(waveConfigHash([{ kind: 'ConfigMap', name: 'c', data: { k: 'value2' } }], ref));
    });
  });
});
