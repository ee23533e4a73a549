import { LoadInputError } from './load-profile.ts';

/** Where a load goes: an http URL on 127.0.0.0/8, with the Host a Gateway serves when it goes through the mesh. */
export interface LoadTarget {
  readonly url: string;
  readonly host?: string;
}

/** Throws unless `target` stays on loopback: no load may leave 127.0.0.0/8. */
export function checkLoopback(target: LoadTarget): URL {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    throw new LoadInputError(`load target "${target.url}" is not a URL`);
  }
  if (url.protocol !== 'http:') throw new LoadInputError(`load target ${target.url} must be http://`);
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname)) {
    throw new LoadInputError(`load targets 127.0.0.0/8 only, not ${url.hostname}`);
  }
  return url;
}

/** vegeta's http target format; its `Host:` line (spelled exactly so) sets the request's Host. */
export function vegetaTargets(target: LoadTarget): string {
  checkLoopback(target);
  return `GET ${target.url}\n${target.host ? `Host: ${target.host}\n` : ''}`;
}
