/** `npm test`'s first step: make sure the browser the e2e tests use is there (see chromium-setup.ts). */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { planChromium } from './chromium-setup';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const executable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};
const facts = {
  path, explicit: Boolean(process.env.CHROMIUM_PATH), executable: executable(path),
  root: process.getuid?.() === 0,
  passwordlessSudo: spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0,
  apt: existsSync('/usr/bin/apt-get'),
};
const plan = planChromium(facts);
if (plan.action === 'stop') {
  console.error(plan.message);
  process.exit(1);
}
if (plan.action === 'install') {
  console.log(`== Chromium is missing at ${path}; installing Debian's chromium`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const sudo = plan.command[0] === 'sudo' ? ['sudo', '-n'] : [];
  for (const cmd of [[...sudo, 'apt-get', 'update', '-qq'], plan.command]) {
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`\`${cmd.join(' ')}\` failed (exit ${r.status ?? r.signal}). Install Chromium yourself: sudo apt-get install -y chromium`);
      process.exit(1);
    }
  }
  if (!executable(path)) {
    console.error(`apt-get installed chromium, but ${path} is still missing. Set CHROMIUM_PATH to the Chromium executable.`);
    process.exit(1);
  }
}
