/**
 * Loopback addresses for one node's pods: `${network}.${nodeIndex}.2` … `.254`, handed out
 * round-robin so a just-freed address (whose process may still be exiting) is reused last.
 */
export class PodIpPool {
  readonly #inUse = new Set<number>();
  #next = 2;

  constructor(
    readonly network: string,
    readonly nodeIndex: number,
  ) {
    if (!/^127\.\d{1,3}$/.test(network)) throw new Error(`pod network ${network} must be 127.N`);
  }

  allocate(): string {
    for (let i = 0; i < 253; i++) {
      const candidate = this.#next;
      this.#next = this.#next >= 254 ? 2 : this.#next + 1;
      if (!this.#inUse.has(candidate)) {
        this.#inUse.add(candidate);
        return `${this.network}.${this.nodeIndex}.${candidate}`;
      }
    }
    throw new Error(`no free pod address on node ${this.nodeIndex}: 253 pods are running`);
  }

  release(ip: string): void {
    this.#inUse.delete(Number(ip.split('.')[3]));
  }
}
