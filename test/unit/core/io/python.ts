import { spawnSync } from 'node:child_process';

// Debian's interpreter first: apt's python3-pil / python3-numpy install into it.
const CANDIDATES = ['/usr/bin/python3', 'python3'];
const found = new Map<string, string | null>();

/** The first Python interpreter that can import `module` (e.g. "PIL", "numpy"), or null. */
export function pythonWith(module: string): string | null {
  if (!found.has(module)) {
    const python = CANDIDATES.find((exe) => spawnSync(exe, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0);
    found.set(module, python ?? null);
  }
  return found.get(module) ?? null;
}

/** Runs a Python script with arguments; returns stdout as bytes and throws with stderr on failure. */
export function runPython(python: string, script: string, args: string[] = []): Buffer {
  const result = spawnSync(python, ['-c', script, ...args], { maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr?.toString() ?? result.error?.message}`);
  return result.stdout;
}

export function skipWithout(module: string, debianPackage: string): string | false {
  return pythonWith(module) ? false : `Python with ${module} not found (apt-get install ${debianPackage})`;
}

const TORCHVISION_MISSING = 'Python with torchvision not found (apt-get install python3-torchvision)';

/**
 * torchvision as a test oracle: without it the oracle tests skip with the reason, except on CI (CI=true), where they
 * run and fail on the missing oracle instead of silently dropping the strongest checks.
 */
export function torchvisionOracle(): { skip: string | false; python(): string } {
  const python = pythonWith('torchvision');
  return {
    skip: python || process.env.CI === 'true' ? false : TORCHVISION_MISSING,
    python: () => {
      if (!python) throw new Error(`${TORCHVISION_MISSING}; CI=true requires the oracle`);
      return python;
    },
  };
}
