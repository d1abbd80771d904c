// Pause, resume and stop for a running loop, shared by the worker and the CLI.
// The loop calls checkpoint() once a step; it returns false once stopped.
export class RunControl {
  private paused = false;
  private stopped = false;
  private wake: (() => void) | null = null;

  get isPaused(): boolean {
    return this.paused;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** Waits while paused; resolves true to go on, false when stopped. */
  async checkpoint(onPause?: () => void): Promise<boolean> {
    if (this.paused && !this.stopped) {
      onPause?.();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        if (!this.paused || this.stopped) resolve();
      });
      this.wake = null;
    }
    return !this.stopped;
  }
}

/**
 * Lets queued messages (pause, stop) run between steps. A MessageChannel
 * round trip is a macrotask without setTimeout's 4 ms clamp.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
