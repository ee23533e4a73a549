/** A tunable's value, or values together, that cannot work: the run exits 2 before any cluster work. */
export class TunableError extends Error {
  override name = 'TunableError';
}
