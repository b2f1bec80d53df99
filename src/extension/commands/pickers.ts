import * as vscode from 'vscode';
import { EXTENSION_ERRORS, extensionError } from '../errors';
import type { LambdaDockContext } from '../context';
import { functionNameOf } from './args';
import { picked } from './command';

/** The function a command is about: its argument, else a quick pick of the workspace's functions. */
export async function pickFunction(ctx: LambdaDockContext, arg: unknown, placeHolder: string): Promise<string> {
  const given = functionNameOf(arg);
  if (given) return given;
  await ctx.deploys.ensureDiscovered();
  const definitions = ctx.deploys.definitions;
  if (definitions.length === 0) throw extensionError(EXTENSION_ERRORS.nothingToChoose, 'This workspace defines no functions: add one to a template.yaml, serverless.yml or lambda-dock.json.');
  if (definitions.length === 1) return definitions[0].name;
  const choice = await vscode.window.showQuickPick(
    definitions.map((d) => ({
      label: d.name,
      description: d.image ? d.image.uri : `${d.runtime ?? ''} ${d.handler ?? ''}`.trim(),
      detail: vscode.workspace.asRelativePath(d.source.file),
    })),
    { placeHolder, matchOnDescription: true },
  );
  return picked(choice).label;
}
