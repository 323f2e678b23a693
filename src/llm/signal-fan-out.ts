/**
 * Per-call abort signals linked to one shared signal (a stage's) through a single listener. Linking
 * every call straight to the shared signal would add and remove listeners on it per call: with hundreds
 * of calls in flight that is a linear scan per removal and a MaxListenersExceeded warning.
 */
export class SignalFanOut {
  private readonly children = new WeakMap<AbortSignal, Set<AbortController>>();

  /** A signal that aborts when `parent` does; `release()` it when the call is over. */
  link(parent: AbortSignal | undefined): { signal: AbortSignal | undefined; release: () => void } {
    if (parent === undefined) return { signal: undefined, release: () => {} };
    const controller = new AbortController();
    if (parent.aborted) {
      controller.abort(parent.reason);
      return { signal: controller.signal, release: () => {} };
    }
    let set = this.children.get(parent);
    if (set === undefined) {
      const created = new Set<AbortController>();
      set = created;
      this.children.set(parent, created);
      parent.addEventListener('abort', () => {
        for (const child of created) child.abort(parent.reason);
        created.clear();
      }, { once: true });
    }
    set.add(controller);
    const members = set;
    return { signal: controller.signal, release: () => void members.delete(controller) };
  }
}
