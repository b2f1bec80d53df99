// Serves what the suite asks of the page (see PageRequest in ../protocol): screenshots kept as artifacts,
// and the command palette's entries for a query, read from the palette as a user sees it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { REQUEST_SUFFIX, RESPONSE_SUFFIX, type PageRequest, type PageResponse } from '../protocol';
import { screenshot } from './browser';

export class PageRequests {
  private readonly served = new Set<string>();

  constructor(
    private readonly page: Page,
    private readonly resultDir: string,
    private readonly artifacts: string,
  ) {}

  /** Answers every request that has no answer yet. */
  async serve(): Promise<void> {
    for (const name of fs.readdirSync(this.resultDir)) {
      if (!name.endsWith(REQUEST_SUFFIX) || this.served.has(name)) continue;
      this.served.add(name);
      const id = name.slice(0, -REQUEST_SUFFIX.length);
      const request = JSON.parse(fs.readFileSync(path.join(this.resultDir, name), 'utf8')) as PageRequest;
      let response: PageResponse;
      try {
        response = await this.answer(request);
      } catch (error) {
        response = { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
      const file = path.join(this.resultDir, `${id}${RESPONSE_SUFFIX}`);
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(response));
      fs.renameSync(`${file}.tmp`, file);
    }
  }

  private async answer(request: PageRequest): Promise<PageResponse> {
    if (request.kind === 'screenshot') {
      const file = path.join(this.artifacts, `${request.name.replace(/[^\w.-]/g, '_')}.png`);
      await screenshot(this.page, file);
      return { ok: true, file };
    }
    if (request.kind === 'text') return { ok: true, entries: await this.page.locator(request.selector).allInnerTexts() };
    if (request.kind === 'glyphs') return { ok: true, entries: await codiconGlyphs(this.page, request.selector) };
    return { ok: true, entries: await paletteEntries(this.page, request.query) };
  }
}

/** Opens the command palette, types the query, reads the labels it lists, and closes it again. */
async function paletteEntries(page: Page, query: string): Promise<string[]> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${query}`);
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  // The list is filtered as the query is typed: wait until it shows rows for this query, or says none match.
  const empty = page.locator('.quick-input-widget .quick-input-message, .quick-input-widget .quick-input-list .monaco-list-rows:empty');
  await Promise.race([rows.first().waitFor({ state: 'visible', timeout: 10_000 }), empty.first().waitFor({ state: 'visible', timeout: 10_000 })]).catch(() => undefined);
  const labels = await page.locator('.quick-input-widget .monaco-list-row .label-name').allInnerTexts();
  await page.keyboard.press('Escape');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  return labels.map((label) => label.trim());
}

/** Each codicon element's name and the character its ::before draws (VS Code's CSS gives one per known codicon). */
async function codiconGlyphs(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((elements) =>
    elements.flatMap((element) => {
      const name = [...element.classList].find((c) => c.startsWith('codicon-'))?.slice('codicon-'.length);
      if (!name) return [];
      // Runs in the page: the window's getComputedStyle (this file is compiled without the DOM's types).
      const page = globalThis as unknown as { getComputedStyle(e: unknown, pseudo: string): { content: string } };
      const content = page.getComputedStyle(element, '::before').content;
      const glyph = content === 'none' || content === 'normal' ? '' : content.replace(/^"|"$/g, '');
      return [`${name}\t${glyph}`];
    }));
}
