/**
 * Runs training/test_exact_mip.py (the MILP encoding against brute force over every activation pattern, and
 * hand-built known answers) when the Python side is installed: PYTHON (default /usr/bin/python3) with pulp,
 * CBC, numpy and scipy. Without them the test is skipped and says what is missing and how to install it.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', "import numpy, scipy, pulp; assert 'COIN_CMD' in pulp.listSolvers(onlyAvailable=True), 'CBC not found'"], { encoding: 'utf8' });
const missing = probe.error ? `${PYTHON} not found` : probe.status !== 0 ? (probe.stderr.trim().split('\n').at(-1) ?? 'import failed') : null;
if (missing) {
  console.warn(`exact-mip.test: skipped — ${missing}. Install with \`sudo apt-get install python3-pulp coinor-cbc python3-scipy\` (Debian/Ubuntu) or set PYTHON.`);
}

describe.skipIf(missing !== null)('exact MILP (training/test_exact_mip.py, Python unittest)', () => {
  it('matches brute force and the known answers', () => {
    const r = spawnSync(PYTHON, ['-m', 'unittest', 'training/test_exact_mip.py'], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) console.error(r.stdout, r.stderr);
    expect(r.stderr).toMatch(/\nOK\s*$/);
    expect(r.status).toBe(0);
  }, 600_000);
});
