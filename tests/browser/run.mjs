// SPDX-License-Identifier: MIT
// tests/browser/run.mjs - the browser tests, printed as TAP.
//
// Drives Debian's Chromium (never a downloaded browser) with playwright-core
// against a running tagifai-fcgi that is mounted both at "/" and at "/api"
// (tests/browser.test starts that stack).  Each test opens a page the way a
// person would (Swagger UI's "Try it out" / "Execute", ReDoc, the demo form)
// and checks what the page shows against what the API itself answers.  Each
// test saves a screenshot; every request the page makes must go to the
// server under test (nothing from a CDN, no web fonts).
//
// Usage: node run.mjs BASE_URL SCREENSHOT_DIR
//   BASE_URL         e.g. http://127.0.0.1:8123 (no trailing slash)
//   SCREENSHOT_DIR   created if missing
// Environment: CHROMIUM (default /usr/bin/chromium); TAGIFAI_NODE_MODULES,
// a node_modules folder holding playwright-core when it is not found the
// usual way (next to this file or in a parent folder).
// Exit status: 0 when every test passed, 1 otherwise.

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const TEST_TIMEOUT_MS = 60000;   // one test, start to end
const STEP_TIMEOUT_MS = 20000;   // one wait for an element or a response
const SAMPLE_TEXT = 'Transfer learning with transformers for text classification.';
const SAMPLE_TEXT_2 = 'Real-time object detection in images and video with YOLO.';
const REDOC_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const LAUNCH_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-dev-shm-usage',
];

async function loadPlaywright() {
    const dir = process.env.TAGIFAI_NODE_MODULES;
    if (dir) {
        const req = createRequire(path.join(path.resolve(dir), 'noop.js'));
        return req('playwright-core');
    }
    return (await import('playwright-core')).default;
}

const [baseUrl, shotDir] = process.argv.slice(2);
if (!baseUrl || !shotDir) {
    console.error('usage: node run.mjs BASE_URL SCREENSHOT_DIR');
    process.exit(2);
}
fs.mkdirSync(shotDir, { recursive: true });
const origin = new URL(baseUrl).origin;

// ---- small helpers --------------------------------------------------------

function assert(cond, msg) {
    if (!cond)
        throw new Error(msg);
}

async function apiPredict(prefix, texts) {
    const r = await fetch(`${origin}${prefix}/predict`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ texts: texts.map((text) => ({ text })) }),
    });
    assert(r.status === 200, `direct POST ${prefix}/predict answered ${r.status}`);
    return (await r.json()).data.predictions;
}

async function apiClasses(prefix) {
    const r = await fetch(`${origin}${prefix}/performance`);
    assert(r.status === 200, `direct GET ${prefix}/performance answered ${r.status}`);
    const perf = (await r.json()).data.performance;
    return Object.keys(perf.class).sort();
}

// A fresh page whose every request is checked: anything not for the server
// under test is aborted and recorded, and so are page errors.
async function newPage(browser, viewport) {
    const context = await browser.newContext({ viewport: viewport || { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const problems = [];
    await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(origin + '/') || url.startsWith('data:') || url.startsWith('blob:'))
            return route.continue();
        problems.push(`request to another host: ${url}`);
        return route.abort();
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // The pages' Content-Security-Policy stops requests to other hosts in
    // the browser, before the route above sees them: report those too.
    // ReDoc's bundle always asks for Redocly's logo (its "API docs by
    // Redocly" footer); that one blocked request is expected.
    page.on('console', (m) => {
        const text = m.text();
        if (/Content Security Policy/i.test(text) && !text.includes(REDOC_LOGO))
            problems.push(`blocked by CSP: ${text}`);
    });
    page.on('response', (r) => {
        const url = r.url();
        // 4xx/5xx from the API calls a test makes on purpose are expected;
        // a missing page asset is not.
        if (r.status() >= 400 && /\/static\/|\.html$|\/openapi\.json$/.test(url))
            problems.push(`HTTP ${r.status()} for ${url}`);
    });
    return { context, page, problems };
}

async function shot(page, name, fullPage = true) {
    const file = path.join(shotDir, `${name}.png`);
    await page.screenshot({ path: file, fullPage });
    return file;
}

// ---- the tests ------------------------------------------------------------

async function swaggerTryItOut(browser, prefix, name) {
    const { context, page, problems } = await newPage(browser);
    try {
        const expected = (await apiPredict(prefix, [SAMPLE_TEXT]))[0].predicted_tag;
        await page.goto(`${origin}${prefix}/docs`);
        const op = page.locator('.opblock.opblock-post').filter({
            has: page.locator('.opblock-summary-path', { hasText: /^\/predict$/ }),
        }).first();
        await op.waitFor();
        await op.locator('.opblock-summary').first().click();
        await op.getByRole('button', { name: 'Try it out' }).click();
        const body = op.locator('textarea.body-param__text');
        await body.fill(JSON.stringify({ texts: [{ text: SAMPLE_TEXT }] }, null, 2));
        const [response] = await Promise.all([
            page.waitForResponse((r) => r.url() === `${origin}${prefix}/predict`
                && r.request().method() === 'POST'),
            op.getByRole('button', { name: 'Execute' }).click(),
        ]);
        assert(response.status() === 200, `POST ${prefix}/predict from Swagger UI: HTTP ${response.status()}`);
        const live = op.locator('.live-responses-table');
        const cell = live.locator('tr.response .response-col_status').first();
        await cell.waitFor();
        const status = (await cell.innerText()).trim();
        assert(status === '200', `Swagger UI shows status "${status}", not 200`);
        const shown = await live.locator('.response-col_description pre, .response-col_description code').first().innerText();
        const json = JSON.parse(shown);
        const tag = json.data.predictions[0].predicted_tag;
        assert(tag === expected, `Swagger UI shows predicted_tag "${tag}", the API says "${expected}"`);
        const requestUrl = await op.locator('.request-url pre, .request-url').first().innerText();
        assert(requestUrl.includes(`${origin}${prefix}/predict`),
            `the request URL shown is "${requestUrl.trim()}", not under ${prefix || '/'}`);
        await live.scrollIntoViewIfNeeded();
        await shot(page, name, false);
        assert(problems.length === 0, problems.join('; '));
        return `predicted_tag ${tag}`;
    } finally {
        await context.close();
    }
}

// Opens the Swagger UI operation `method path` and presses "Try it out".
async function swaggerOp(page, method, path) {
    const op = page.locator(`.opblock.opblock-${method}`).filter({
        has: page.locator('.opblock-summary-path', { hasText: new RegExp(`^${path.replace(/[{}/]/g, '\\$&')}$`) }),
    }).first();
    await op.waitFor();
    await op.locator('.opblock-summary').first().click();
    await op.getByRole('button', { name: 'Try it out' }).click();
    return op;
}

// The registry routes from Swagger UI: create a model (JSON body), then
// upload a version as a file (application/octet-stream) and see the 201s.
async function swaggerRegistry(browser, prefix, name) {
    const { context, page, problems } = await newPage(browser);
    const model = `swagger-${Date.now() % 100000}`;
    const auth = { Authorization: `Bearer ${process.env.TAGIFAI_TEST_API_KEY}` };
    try {
        await context.setExtraHTTPHeaders(auth);
        await page.goto(`${origin}${prefix}/docs`);
        let op = await swaggerOp(page, 'post', '/models');
        await op.locator('textarea.body-param__text').fill(JSON.stringify({ name: model }));
        let [response] = await Promise.all([
            page.waitForResponse((r) => r.url() === `${origin}${prefix}/models`
                && r.request().method() === 'POST'),
            op.getByRole('button', { name: 'Execute' }).click(),
        ]);
        assert(response.status() === 201, `POST ${prefix}/models from Swagger UI: HTTP ${response.status()}`);
        op = await swaggerOp(page, 'post', '/models/{model-name}/versions');
        await op.locator('input[placeholder="model-name"]').fill(model);
        await op.locator('input[type="file"]').setInputFiles(process.env.TAGIFAI_TEST_ARTIFACT);
        [response] = await Promise.all([
            page.waitForResponse((r) => r.url() === `${origin}${prefix}/models/${model}/versions`
                && r.request().method() === 'POST'),
            op.getByRole('button', { name: 'Execute' }).click(),
        ]);
        assert(response.status() === 201,
            `the upload from Swagger UI got HTTP ${response.status()} (${response.request().headers()['content-type']})`);
        const shown = await fetch(`${origin}${prefix}/models/${model}`, { headers: auth })
            .then((r) => r.json());
        const version = shown.data.model.latest_version;
        assert(version === 1, `the upload became version ${version}, not 1`);
        await shot(page, name, false);
        assert(problems.length === 0, problems.join('; '));
        return `model ${model} version ${version}`;
    } finally {
        await context.close();
    }
}

async function redocFindsPredict(browser, prefix, name) {
    const { context, page, problems } = await newPage(browser);
    try {
        await page.goto(`${origin}${prefix}/redoc`);
        // The operation's endpoint panel shows the method and the full path.
        const item = page.locator('[role="menuitem"], .menu-content li label')
            .filter({ hasText: /predict/i }).first();
        await item.waitFor();
        await item.click();
        const section = page.locator('[data-section-id*="operation/"]').filter({
            has: page.locator('button', { hasText: /\/predict/ }),
        }).first();
        await section.waitFor();
        const endpoint = (await section.locator('button', { hasText: /\/predict/ }).first().innerText()).toLowerCase();
        assert(/post/.test(endpoint) && endpoint.includes('/predict'),
            `ReDoc's endpoint box says "${endpoint}"`);
        // The request-body schema and the 422 answer are documented.
        await section.getByText('texts', { exact: true }).first().waitFor();
        await section.getByRole('button', { name: /422/ }).first().waitFor();
        const fonts = await page.evaluate(() => [...document.querySelectorAll('link[href]')]
            .map((l) => l.href).filter((h) => /fonts\.googleapis|fonts\.gstatic/.test(h)));
        assert(fonts.length === 0, `ReDoc page links web fonts: ${fonts.join(' ')}`);
        await section.scrollIntoViewIfNeeded();
        await shot(page, name, false);
        assert(problems.length === 0, problems.join('; '));
        return 'POST /predict documented';
    } finally {
        await context.close();
    }
}

async function demoPredicts(browser, prefix, name) {
    const { context, page, problems } = await newPage(browser);
    try {
        const classes = await apiClasses(prefix);
        const expected = (await apiPredict(prefix, [SAMPLE_TEXT]))[0].predicted_tag;
        await page.goto(`${origin}${prefix}/demo`);
        // Performance table: one row per class plus the overall row.
        const table = page.locator('#performance table').first();
        await table.locator('tbody tr').nth(classes.length).waitFor();
        const rows = await table.locator('tbody tr').count();
        assert(rows === classes.length + 1, `performance table has ${rows} rows for ${classes.length} classes`);
        await page.locator('#args dl dt').first().waitFor();
        await page.locator('#texts textarea').first().fill(SAMPLE_TEXT);
        const [response] = await Promise.all([
            page.waitForResponse((r) => r.url() === `${origin}${prefix}/predict`),
            page.getByRole('button', { name: 'Suggest tags' }).click(),
        ]);
        assert(response.status() === 200, `the demo's POST ${prefix}/predict got HTTP ${response.status()}`);
        const card = page.locator('#results .result').first();
        await card.waitFor();
        const tag = await card.getAttribute('data-tag');
        assert(tag === expected, `the demo shows tag "${tag}", the API says "${expected}"`);
        const bars = await card.locator('.bar-row').count();
        assert(bars === classes.length, `${bars} probability bars for ${classes.length} classes`);
        await shot(page, name);
        assert(problems.length === 0, problems.join('; '));
        return `tag ${tag}`;
    } finally {
        await context.close();
    }
}

// With the registry listing models to the visitor (an API key with
// the read role), the demo offers a picker; the model
// picked answers (POST /models/NAME/predict, named in X-Model).
async function demoPicksModel(browser, prefix, name) {
    const { context, page, problems } = await newPage(browser);
    try {
        // GET /models needs the read role: a visitor with a key sees it.
        await context.setExtraHTTPHeaders({ Authorization: `Bearer ${process.env.TAGIFAI_TEST_API_KEY}` });
        await page.goto(`${origin}${prefix}/demo`);
        await page.locator('#model-pick').waitFor();
        await page.locator('#model-select').selectOption('tagifai');
        await page.locator('#texts textarea').first().fill(SAMPLE_TEXT);
        const [response] = await Promise.all([
            page.waitForResponse((r) => r.url() === `${origin}${prefix}/models/tagifai/predict`),
            page.getByRole('button', { name: 'Suggest tags' }).click(),
        ]);
        assert(response.status() === 200, `the demo's POST /models/tagifai/predict got HTTP ${response.status()}`);
        const served = response.headers()['x-model'];
        assert(served === 'tagifai/1', `X-Model is "${served}", not tagifai/1`);
        await page.locator('#results .result').first().waitFor();
        await shot(page, name);
        assert(problems.length === 0, problems.join('; '));
        return `served by ${served}`;
    } finally {
        await context.close();
    }
}

async function demoEmptyInput(browser, prefix, name) {
    const { context, page, problems } = await newPage(browser);
    try {
        await page.goto(`${origin}${prefix}/demo`);
        const [response] = await Promise.all([
            page.waitForResponse((r) => r.url() === `${origin}${prefix}/predict`),
            page.getByRole('button', { name: 'Suggest tags' }).click(),
        ]);
        assert(response.status() === 422, `an empty form got HTTP ${response.status()}, not 422`);
        const detail = (await response.json()).detail;
        assert(Array.isArray(detail) && detail.length > 0, 'the 422 answer has no detail list');
        const alert = page.getByRole('alert');
        await alert.waitFor();
        const text = (await alert.innerText()).trim();
        assert(text === 'Please enter at least one description.', `the page says "${text}"`);
        assert(await page.locator('#results .result').count() === 0, 'results shown for an empty form');
        await shot(page, name, false);
        assert(problems.length === 0, problems.join('; '));
        return text;
    } finally {
        await context.close();
    }
}

async function demoPhone(browser, prefix, name) {
    const { context, page, problems } = await newPage(browser, { width: 390, height: 844 });
    try {
        const expected = (await apiPredict(prefix, [SAMPLE_TEXT, SAMPLE_TEXT_2])).map((p) => p.predicted_tag);
        await page.goto(`${origin}${prefix}/demo`);
        await page.locator('#performance table').first().waitFor();
        await page.getByLabel('Each line is a separate project').check();
        await page.locator('#texts textarea').first().fill(`${SAMPLE_TEXT}\n\n${SAMPLE_TEXT_2}\n`);
        await page.getByRole('button', { name: 'Suggest tags' }).click();
        await page.locator('#results .result').nth(1).waitFor();
        const tags = await page.locator('#results .result').evaluateAll(
            (cards) => cards.map((c) => c.getAttribute('data-tag')));
        assert(JSON.stringify(tags) === JSON.stringify(expected),
            `the demo shows ${JSON.stringify(tags)}, the API says ${JSON.stringify(expected)}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert(overflow <= 0, `the page is ${overflow}px wider than a 390px screen`);
        await shot(page, name);
        assert(problems.length === 0, problems.join('; '));
        return `tags ${tags.join(', ')}`;
    } finally {
        await context.close();
    }
}

const TESTS = [
    ['Swagger UI at /docs: Try it out + Execute on POST /predict shows the 200 answer',
        (b) => swaggerTryItOut(b, '', 'docs-root')],
    ['Swagger UI at /api/docs: Try it out + Execute calls /api/predict',
        (b) => swaggerTryItOut(b, '/api', 'docs-api')],
    ['Swagger UI at /docs: POST /models and a file upload to /models/{model-name}/versions answer 201',
        (b) => swaggerRegistry(b, '', 'docs-registry')],
    ['ReDoc at /redoc documents POST /predict with its body and 422',
        (b) => redocFindsPredict(b, '', 'redoc-root')],
    ['ReDoc at /api/redoc loads the spec under the prefix',
        (b) => redocFindsPredict(b, '/api', 'redoc-api')],
    ['Demo at /demo: typing a description shows the tag the API gives',
        (b) => demoPredicts(b, '', 'demo-root')],
    ['Demo at /api/demo: the model picker sends the text to the model picked',
        (b) => demoPicksModel(b, '/api', 'demo-picker-api')],
    ['Demo at /api/demo: an empty form shows the 422 in plain words',
        (b) => demoEmptyInput(b, '/api', 'demo-empty-api')],
    ['Demo on a phone-sized screen: two pasted lines give two tags, no sideways scrolling',
        (b) => demoPhone(b, '/api', 'demo-phone-api')],
];

function withTimeout(promise, ms) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let failed = 0;
console.log(`1..${TESTS.length}`);
let browser;
try {
    const { chromium } = await loadPlaywright();
    browser = await chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        args: LAUNCH_ARGS,
    });
} catch (e) {
    console.log(`# cannot start Chromium: ${e.message.split('\n')[0]}`);
    for (let i = 0; i < TESTS.length; i++)
        console.log(`not ok ${i + 1} - ${TESTS[i][0]}`);
    process.exit(1);
}
for (let i = 0; i < TESTS.length; i++) {
    const [title, fn] = TESTS[i];
    try {
        const note = await withTimeout(fn(browser), TEST_TIMEOUT_MS);
        console.log(`ok ${i + 1} - ${title}${note ? ` (${note})` : ''}`);
    } catch (e) {
        failed++;
        console.log(`not ok ${i + 1} - ${title}`);
        for (const line of String(e.message || e).split('\n').slice(0, 8))
            console.log(`#   ${line}`);
    }
}
await browser.close();
process.exit(failed ? 1 : 0);
