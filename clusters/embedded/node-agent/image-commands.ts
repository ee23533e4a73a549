import { readFile } from 'node:fs/promises';
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

export class ImageCommands {
  constructor(private readonly table: Readonly<Record<string, ImageCommand>>) {}

  /**
   * The demo image (run from its bundle with this Node) plus the images in a user file
   * (`images: {name[:tag]: {command, args}}`, YAML or JSON).
   */
  static async load(demoAppBundle: string, userFile?: string): Promise<ImageCommands> {
    const table: Record<string, ImageCommand> = { [DEMO_IMAGE]: { command: [process.execPath, demoAppBundle] } };
    if (userFile) {
      let parsed: unknown;
      try {
        parsed = parse(await readFile(userFile, 'utf8'));
      } catch (err) {
        throw new Error(`image map ${userFile}: ${(err as Error).message}`, { cause: err });
      }
      const images = (parsed as { images?: unknown } | null)?.images;
      if (!images || typeof images !== 'object') throw new Error(`image map ${userFile}: expected a top-level "images" mapping`);
      for (const [key, value] of Object.entries(images as Record<string, ImageCommand>)) {
        if (!Array.isArray(value?.command)) throw new Error(`image map ${userFile}: images.${key}.command must be a list of strings`);
        table[imageKeys(key)[0]!] = value;
      }
    }
    return new ImageCommands(table);
  }

  lookup(image: string): ImageCommand | undefined {
    for (const key of imageKeys(image)) {
      const found = this.table[key];
      if (found) return found;
    }
    return undefined;
  }
}
