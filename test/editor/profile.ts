// A throwaway VS Code profile for one run of the editor suite: its own HOME
// (code-server and chromium write under ~/.local, ~/.cache and ~/.config),
// user data with quiet settings, and an empty extensions folder.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withoutNpmRun } from './install';

export interface Profile {
  root: string;
  home: string;
  userDataDir: string;
  extensionsDir: string;
  /** The command-line arguments that make VS Code or code-server use this profile. */
  args: string[];
  remove(): void;
}

/** Quiet and deterministic: no welcome page, no side panels, no update checks, no prompts. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'files.autoSave': 'off',
  'chat.disableAIFeatures': true,
};

export function createProfile(): Profile {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rc-editor-profile-')));
  const profile: Profile = {
    root,
    home: path.join(root, 'home'),
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    args: [],
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
  profile.args = ['--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
  for (const dir of [profile.home, path.join(profile.userDataDir, 'User'), profile.extensionsDir]) fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(profile.userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2) + '\n');
  return profile;
}

/** The environment for a run in this profile: its HOME, no XDG folders that would lead elsewhere, nothing of an enclosing npm run. */
export function profileEnv(profile: Profile, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(withoutNpmRun(process.env)).filter(([key]) => !key.startsWith('XDG_')));
  return { ...inherited, HOME: profile.home, ...extra };
}

/** The folder VS Code loads as the development extension: it hosts the suite and contributes nothing. */
export const hostExtensionDir = (repoRoot: string): string => path.join(repoRoot, 'test', 'editor', 'host');

/** The compiled suite's entry point (extensionTestsPath). */
export const suiteIndex = (repoRoot: string): string => path.join(repoRoot, 'out', 'test', 'editor', 'suite', 'index.js');
