#!/usr/bin/env node
// Screenshot a page in Debian's headless Chromium: node tools/screenshot.mjs URL OUT.png [waitMs] [fakeVideo.y4m]
import puppeteer from 'puppeteer-core';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumArgs } from './dev-server-plugins.mjs';

const [url, out, waitMs = '5000', fakeVideo] = process.argv.slice(2);
const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'face-mesh-shot-'));
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs({ userDataDir, fakeVideo }) });
const page = await browser.newPage();
page.on('console', (m) => console.log(`[page] ${m.text()}`));
await page.setViewport({ width: Number(process.env.WIDTH ?? 1400), height: Number(process.env.HEIGHT ?? 800) });
await page.goto(url);
await new Promise((r) => setTimeout(r, Number(waitMs)));
await page.screenshot({ path: out });
await browser.close();
