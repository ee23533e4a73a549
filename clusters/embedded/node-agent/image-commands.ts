import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'yaml';

/** How an image runs as a local process: its ENTRYPOINT and CMD, in Docker's terms. */
export interface ImageCommand {
  readonly command: readonly string[];
  readonly args?: readonly string[];
}

/** The demo app's image name; any tag maps to the same built-in command. */
export const DEMO_IMAGE = 'delivery-testbed/demo-app';


/** `docker.io/library/nginx:1.25@sha256:…` → candidates `nginx:1.25`, then `nginx`. */
export function imageKeys(image: string): string[] {
  const withoutDigest = image.split('@')[0]!;
  const normalized = withoutDigest.replace(/^docker\.io\//, '').replace(/^library\//, '');
  const slash = normalized.lastIndexOf('/');
  const colon = normalized.lastIndexOf(':');
  const name = colon > slash ? normalized.slice(0, colon) : normalized;
  return colon > slash ? [normalized, name] : [name];
}

/** An image map that cannot be read or does not say how to run an image. */
export class ImageMapError extends Error {
  override name = 'ImageMapError';
}

/** A user's image map, checked: where it is, a digest of what it said, and its commands by image. */
export interface ImageMap {
  readonly file: string;
  readonly digest: string;
  readonly images: Readonly<Record<string, ImageCommand>>;
}

const isStrings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Reads `images: {name[:tag]: {command, args}}` (YAML or JSON), naming the entry that is wrong. */
export async function readImageMap(file: string): Promise<ImageMap> {
  const path = resolve(file);
  let text: string;
  let parsed: unknown;
  try {
    text = await readFile(path, 'utf8');
    parsed = parse(text);
  } catch (err) {
    throw new ImageMapError(`image map ${file}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  const images = (parsed as { images?: unknown } | null)?.images;
  if (!images || typeof images !== 'object' || Array.isArray(images)) throw new ImageMapError(`image map ${file}: expected a top-level "images" mapping of image to {command, args}`);
  const table: Record<string, ImageCommand> = {};
  for (const [key, value] of Object.entries(images as Record<string, Partial<ImageCommand> | null>)) {
    if (!isStrings(value?.command)) throw new ImageMapError(`image map ${file}: images.${key}.command must be a list of strings`);
    if (value!.args !== undefined && !isStrings(value!.args)) throw new ImageMapError(`image map ${file}: images.${key}.args must be a list of strings`);
    table[imageKeys(key)[0]!] = { command: value!.command!, ...(value!.args ? { args: value!.args } : {}) };
  }
  return { file: path, digest: createHash('sha256').update(text).digest('hex'), images: table };
}

export class ImageCommands {
  constructor(private readonly table: Readonly<Record<string, ImageCommand>>) {}

  /** The demo image (run from its bundle with this Node) plus the images of a user's map. */
  static async load(demoAppBundle: string, userFile?: string): Promise<ImageCommands> {
    const user = userFile ? (await readImageMap(userFile)).images : {};
    return new ImageCommands({ [DEMO_IMAGE]: { command: [process.execPath, demoAppBundle] }, ...user });
  }

  lookup(image: string): ImageCommand | undefined {
    for (const key of imageKeys(image)) {
      const found = this.table[key];
      if (found) return found;
    }
    return undefined;
  }
}
