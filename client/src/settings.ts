// The editor settings the server receives: only those a user set (globally,
// for the workspace or for a folder). A default must not hide the team's
// shared settings in Cargo.toml, which sit between the defaults and the user.
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';

type ConfigurationMiddleware = NonNullable<NonNullable<Middleware['workspace']>['configuration']>;

export const explicitSettingsOnly: ConfigurationMiddleware = (params, token, next) => {
  const answers = next(params, token);
  const explicit = (section: string | undefined, scope: string | undefined) => {
    if (section !== 'rustConsolidate') return undefined;
    const config = vscode.workspace.getConfiguration(section, scope ? vscode.Uri.parse(scope) : undefined);
    const set: Record<string, unknown> = {};
    for (const key of Object.keys(config)) {
      if (typeof config[key] === 'function') continue;
      const inspected = config.inspect(key);
      const value = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
      if (value !== undefined) set[key] = value;
    }
    return set;
  };
  const rewrite = (results: unknown[]) => results.map((result, i) => explicit(params.items[i].section, params.items[i].scopeUri) ?? result);
  return Array.isArray(answers) ? rewrite(answers) : Promise.resolve(answers).then((a) => (Array.isArray(a) ? rewrite(a) : a));
};
