// Every process the harness starts is registered here and stopped by its PID (its whole process group): at the
// end of a run, when a test fails, and when the runner itself exits or is interrupted.
import type { ChildProcess } from 'node:child_process';

const running = new Map<number, string>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Registers a child started with `detached: true` (so it leads its own process group). */
export function track(child: ChildProcess, name: string): number {
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  running.set(child.pid, name);
  return child.pid;
}

/** SIGTERM to the process group, SIGKILL after `graceMs` if the leader is still alive. */
export async function stop(pid: number, graceMs = 5_000): Promise<void> {
  if (!running.has(pid)) return;
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  killGroup(pid, 'SIGKILL');
  running.delete(pid);
}

export function runningProcesses(): string[] {
  return [...running].map(([pid, name]) => `${name} (pid ${pid})`);
}

process.on('exit', () => {
  for (const pid of running.keys()) killGroup(pid, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping ${runningProcesses().join(', ') || 'nothing'}`);
    process.exit(130);
  });
}
