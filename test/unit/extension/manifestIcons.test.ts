import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Codicons are a font VS Code colours with the theme (light, dark, high contrast); an image file shows the
// same pixels in every theme unless it comes with light and dark variants, so the manifest uses codicons only.
interface CommandContribution { command: string; title: string; icon?: unknown }
interface MenuItem { command: string; when?: string; group?: string }
interface Manifest {
  contributes: {
    commands: CommandContribution[];
    menus: Record<string, MenuItem[]>;
    viewsContainers: Record<string, { id: string; icon: string }[]>;
    views: Record<string, { id: string; icon?: string }[]>;
  };
}

const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const commands = new Map(manifest.contributes.commands.map((command) => [command.command, command]));
const CODICON = /^\$\([a-z0-9]+(?:-[a-z0-9]+)*(?:~spin)?\)$/;

/** The menus whose entries VS Code draws as icons: a view's title bar, an item's inline actions, an editor's title. */
function iconMenuItems(): { menu: string; item: MenuItem }[] {
  const shown: { menu: string; item: MenuItem }[] = [];
  for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
    if (menu !== 'view/title' && menu !== 'view/item/context' && menu !== 'editor/title') continue;
    for (const item of items) shown.push({ menu, item });
  }
  return shown;
}

describe('the manifest\'s icons', () => {
  it('gives every command an icon that is a codicon, never an image file', () => {
    const wrong = manifest.contributes.commands
      .filter((command) => typeof command.icon !== 'string' || !CODICON.test(command.icon))
      .map((command) => `${command.command}: ${JSON.stringify(command.icon)}`);
    assert.deepEqual(wrong, [], 'each command needs "icon": "$(codicon-name)"');
  });

  it('has a codicon for every command a view title, a tree item or an editor title shows', () => {
    const items = iconMenuItems();
    assert.ok(items.some(({ menu }) => menu === 'view/title'), 'the views have title actions');
    const missing = items
      .filter(({ item }) => {
        const icon = commands.get(item.command)?.icon;
        return typeof icon !== 'string' || !CODICON.test(icon);
      })
      .map(({ menu, item }) => `${menu}: ${item.command}`);
    assert.deepEqual(missing, []);
  });

  it('places only contributed commands in menus', () => {
    const unknown = Object.entries(manifest.contributes.menus)
      .flatMap(([menu, items]) => items.filter((item) => !commands.has(item.command)).map((item) => `${menu}: ${item.command}`));
    assert.deepEqual(unknown, []);
  });

  it('draws the activity bar and view icons from SVG files VS Code paints in the theme\'s colour', () => {
    const icons = [
      ...Object.values(manifest.contributes.viewsContainers).flat().map((container) => container.icon),
      ...Object.values(manifest.contributes.views).flat().flatMap((view) => (view.icon ? [view.icon] : [])),
    ];
    assert.ok(icons.length > 0);
    for (const icon of icons) {
      // VS Code uses these as a mask filled with the theme's foreground: only SVG keeps them sharp.
      assert.match(icon, /\.svg$/, `${icon} is not an SVG`);
      const svg = fs.readFileSync(path.join(root, icon), 'utf8');
      assert.match(svg, /<svg[\s>]/, `${icon} is not an SVG document`);
    }
  });
});
