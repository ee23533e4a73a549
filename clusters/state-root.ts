import { homedir } from 'node:os';
import { join } from 'node:path';

/** `${TESTBED_STATE_DIR:-${XDG_STATE_HOME:-~/.local/state}/delivery-testbed}`: what providers keep between runs. */
export function stateRoot(): string {
  return process.env.TESTBED_STATE_DIR || join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'delivery-testbed');
}
