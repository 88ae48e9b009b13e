import { describe, expect, it } from 'vitest';
import { planChromium, type SetupFacts } from './chromium-setup';

const missing: SetupFacts = { path: '/usr/bin/chromium', explicit: false, executable: false, root: false, passwordlessSudo: false, apt: true };

describe("npm test's Chromium set-up", () => {
  it('uses Chromium when it is there', () => {
    expect(planChromium({ ...missing, executable: true })).toEqual({ action: 'ready' });
  });
  it('installs Debian chromium when missing and allowed (root, or sudo without a password)', () => {
    expect(planChromium({ ...missing, root: true })).toEqual({ action: 'install', command: ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium'] });
    expect(planChromium({ ...missing, passwordlessSudo: true })).toMatchObject({ action: 'install', command: ['sudo', '-n', 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium'] });
  });
  it('otherwise stops at once with the one command to run', () => {
    const plan = planChromium(missing);
    expect(plan.action).toBe('stop');
    expect(plan.action === 'stop' && plan.message).toContain('sudo apt-get install -y chromium');
    expect(planChromium({ ...missing, root: true, apt: false }).action).toBe('stop');
  });
  it('never installs over an explicit CHROMIUM_PATH', () => {
    const plan = planChromium({ ...missing, path: '/opt/c', explicit: true, root: true });
    expect(plan).toEqual({ action: 'stop', message: expect.stringContaining('CHROMIUM_PATH=/opt/c is not an executable') });
  });
});
