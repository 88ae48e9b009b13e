/**
 * What `npm test` does about its browser before anything else runs (like `npm start` installs its
 * dependencies): Debian's Chromium at CHROMIUM_PATH or /usr/bin/chromium; installed with apt-get when it is
 * missing and this user may (root, or sudo without a password); otherwise a stop with the one command to run.
 */
export interface SetupFacts {
  path: string;
  /** CHROMIUM_PATH was given: never install over the user's choice. */
  explicit: boolean;
  executable: boolean;
  root: boolean;
  passwordlessSudo: boolean;
  apt: boolean;
}

export type SetupPlan =
  | { action: 'ready' }
  | { action: 'install'; command: string[] }
  | { action: 'stop'; message: string };

const PACKAGES = ['install', '-y', '-qq', '--no-install-recommends', 'chromium'];

export function planChromium(f: SetupFacts): SetupPlan {
  if (f.executable) return { action: 'ready' };
  if (f.explicit) return { action: 'stop', message: `CHROMIUM_PATH=${f.path} is not an executable file. Point it at Chromium, or unset it to use /usr/bin/chromium.` };
  if (f.apt && (f.root || f.passwordlessSudo)) return { action: 'install', command: [...(f.root ? [] : ['sudo', '-n']), 'apt-get', ...PACKAGES] };
  return {
    action: 'stop',
    message: `npm test runs its browser tests in Debian's Chromium, which is not at ${f.path}. Install it with:\n\n`
      + `    sudo apt-get install -y chromium\n\nthen run npm test again (or set CHROMIUM_PATH to a Chromium executable).`,
  };
}
