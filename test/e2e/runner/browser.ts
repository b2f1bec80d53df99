// Opens the code-server workbench in Debian's Chromium through playwright-core, and the few things the
// runner does in the page: wait for the workbench, run a command through the palette, take screenshots.
import * as fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

// Without the background-networking flags Chromium keeps reaching for Google's hosts, which this
// machine's closed network refuses.
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Workbench {
  page: Page;
  close(): Promise<void>;
}

export async function openWorkbench(url: string, consoleLog: string): Promise<Workbench> {
  const executablePath = process.env.LAMBDA_DOCK_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium is not at ${executablePath}: run scripts/install-vscode.sh or set LAMBDA_DOCK_CHROMIUM`);
  }
  const browser: Browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
  const close = async () => {
    // playwright kills Chromium's process group on close, and on this process's exit if a close hangs.
    await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10_000))]);
  };
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const log = fs.createWriteStream(consoleLog, { flags: 'a' });
    page.on('console', (message) => log.write(`[${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) => log.write(`[pageerror] ${error.stack ?? error.message}\n`));
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    return { page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits until the workbench has rendered its parts (the activity bar is the last of them to appear). */
export async function waitForWorkbench(page: Page, timeoutMs: number): Promise<void> {
  await page.locator('.monaco-workbench .part.activitybar').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Runs a command by its id through the command palette, as a user would (the palette matches an exact
 * command id). Fails when the palette finds no such command.
 */
export async function runCommandFromPalette(page: Page, commandId: string): Promise<void> {
  await page.locator('.monaco-workbench').first().click({ position: { x: 800, y: 500 } });
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${commandId}`);
  // An exact id match comes first; without one the palette offers only look-alikes ("similar commands").
  const first = page.locator('.quick-input-widget .monaco-list-row').first();
  try {
    await first.waitFor({ state: 'visible', timeout: 10_000 });
    await page.waitForTimeout(500);
  } catch {
    await page.keyboard.press('Escape');
    throw new Error(`the command palette lists nothing for ${commandId}`);
  }
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Whether the side bar shows the view container with this id (VS Code gives its element that id). */
export async function sideBarShows(page: Page, containerId: string): Promise<boolean> {
  const container = page.locator(`.part.sidebar [id="${containerId}"]`);
  try {
    await container.first().waitFor({ state: 'visible', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export async function screenshot(page: Page, file: string): Promise<void> {
  await page.screenshot({ path: file, timeout: 30_000 });
}
