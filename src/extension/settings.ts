import * as vscode from 'vscode';
import { Emitter } from './util/emitter';
import { affectedServices, readSettings, type LambdaDockSettings, type SettingsService } from './settingsModel';

export const SECTION = 'lambdaDock';

/** The settings, read through one typed record; fires with the services a change affects. */
export class Settings implements vscode.Disposable {
  private value: LambdaDockSettings;
  private readonly emitter = new Emitter<Set<SettingsService>>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.emitter.event;

  constructor() {
    this.value = Settings.read();
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SECTION)) return;
      const before = this.value;
      this.value = Settings.read();
      const affected = affectedServices(before, this.value);
      if (affected.size > 0) this.emitter.fire(affected);
    });
  }

  get current(): LambdaDockSettings {
    return this.value;
  }

  /** Writes a setting where the user keeps it (workspace when it is set there, else user settings). */
  async update<K extends keyof LambdaDockSettings>(key: K, value: LambdaDockSettings[K]): Promise<void> {
    const configuration = vscode.workspace.getConfiguration(SECTION);
    const inspected = configuration.inspect(key);
    const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await configuration.update(key, value, target);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }

  private static read(): LambdaDockSettings {
    const configuration = vscode.workspace.getConfiguration(SECTION);
    return readSettings((key) => configuration.get(key));
  }
}
