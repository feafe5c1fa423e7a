// The report in a real browser: Debian's chromium driven headless by playwright-core loads the quick
// reproductions' report from disk, and every figure must render with a non-zero size, with no console
// error and no network request. Screenshots land in test-artifacts/ (ignored by git).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';

const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'cli', 'main.js');
const artifacts = join(repo, 'test-artifacts');
const root = join(artifacts, 'reproduce-quick');
const exec = promisify(execFile);

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function expectedFigures(): number {
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'summary.json')))
    .reduce((n, d) => n + JSON.parse(readFileSync(join(root, d, 'summary.json'), 'utf8')).figures.length, 0);
}

describe('the report in chromium', () => {
  beforeAll(async () => {
    // Resumes the folder `npm test` left (nothing to run then), or runs every quick reproduction.
    await exec(process.execPath, [cli, 'reproduce', 'all', '--quick', '--out', root, '--quiet'], { maxBuffer: 1 << 26 });
    await exec(process.execPath, [cli, 'report', root]);
  });

  it('renders every figure, with no console errors and no network access', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: run test/browser/install-chromium.sh`).toBe(true);
    mkdirSync(artifacts, { recursive: true });
    const profile = mkdtempSync(join(tmpdir(), 'giantstep-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 1000 },
    });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      const remote: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (!/^(file|data):/.test(r.url())) remote.push(r.url());
      });
      await page.goto(pathToFileURL(join(root, 'report.html')).href, { waitUntil: 'load' });
      const figures = await page.$$eval('img.figure', (imgs) =>
        (imgs as HTMLImageElement[]).map((img) => {
          img.scrollIntoView();
          const box = img.getBoundingClientRect();
          return {
            alt: img.alt,
            complete: img.complete,
            naturalWidth: img.naturalWidth,
            naturalHeight: img.naturalHeight,
            width: box.width,
            height: box.height,
          };
        }),
      );
      expect(figures).toHaveLength(expectedFigures());
      for (const f of figures) {
        expect(f.complete, f.alt).toBe(true);
        expect(f.naturalWidth * f.naturalHeight, f.alt).toBeGreaterThan(0);
        expect(f.width * f.height, f.alt).toBeGreaterThan(0);
      }
      expect(await page.locator('aside.verdict').count()).toBe(figures.length);
      expect(await page.locator('table').count()).toBeGreaterThan(figures.length / 2);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(artifacts, 'report.png') });
      await page.screenshot({ path: join(artifacts, 'report-full.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(remote).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
