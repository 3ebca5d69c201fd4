/** Where the process is in its life: readiness answers 503 unless "ready". */
export type Phase = "starting" | "ready" | "draining";

export class Lifecycle {
  #phase: Phase = "starting";

  get phase(): Phase {
    return this.#phase;
  }

  /** Start work is done: the load balancer may send traffic. */
  ready(): void {
    if (this.#phase === "starting") this.#phase = "ready";
  }

  /** Shutdown has begun: the load balancer should stop sending traffic. Never goes back. */
  drain(): void {
    this.#phase = "draining";
  }
}
