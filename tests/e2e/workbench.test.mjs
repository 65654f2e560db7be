// End-to-end test of the detente workbench in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core). It starts `detente serve` on a free loopback port with a fresh
// database and the flagship scenario, then: opens the scenario, opens the evidence of a stance
// (the quote must be highlighted in the article), edits the stance's salience, and checks that
// the forecast changes. Screenshots go to target/e2e-screenshots/, or to docs/screenshots/ (the
// README's pictures) when DETENTE_UPDATE_SCREENSHOTS=1, so a test run leaves the tree clean.
//
//   DETENTE_BIN=target/debug/detente node --test tests/e2e/workbench.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const bin = process.env.DETENTE_BIN ? resolve(process.env.DETENTE_BIN) : join(root, "target", "debug", "detente");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const shots = process.env.DETENTE_UPDATE_SCREENSHOTS === "1"
  ? join(root, "docs", "screenshots")
  : join(root, "target", "e2e-screenshots");

// The stance the test edits and the change it makes.
const ACTOR = "usa", ISSUE = "security_guarantees", NEW_SALIENCE = "10";

function startServer(db) {
  return new Promise((resolveStart, reject) => {
    const child = spawn(bin, ["serve", join(root, "scenarios", "ukraine-2025.toml"), "--db", db, "--addr", "127.0.0.1:0"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    const timer = setTimeout(() => reject(new Error("server did not start in 60 s:\n" + err)), 60000);
    child.stderr.on("data", (d) => {
      err += d;
      const m = /listening on (http:\/\/[^\s/]+\/)/.exec(err);
      if (m) { clearTimeout(timer); resolveStart({ child, url: m[1] }); }
    });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${err}`)); });
  });
}

test("workbench: flagship → evidence → edit salience → forecast changes", { timeout: 180000 }, async () => {
  assert.ok(existsSync(bin), `detente binary not found at ${bin}; build it or set DETENTE_BIN`);
  assert.ok(existsSync(browserPath), `chromium not found at ${browserPath}`);
  const tmp = mkdtempSync(join(tmpdir(), "detente-e2e-"));
  const { child, url } = await startServer(join(tmp, "workbench.db"));
  const context = await chromium.launchPersistentContext(join(tmp, "profile"), {
    executablePath: browserPath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run"],
  });
  const errors = [];
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("response", (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });

    // 1. The scenario list, then the overview with its heat map.
    await page.goto(url);
    await page.locator("a.open-scenario", { hasText: "Russia" }).first().click();
    await page.locator("#heat button.cell").first().waitFor();
    const cells = await page.locator("#heat button.cell").count();
    assert.ok(cells >= 40, `expected the actor × issue heat map to show the flagship's stances, saw ${cells} cells`);

    // 2. Select the stance and open its evidence: the quote is highlighted in the article.
    const cell = page.locator(`button.cell[data-actor="${ACTOR}"][data-issue="${ISSUE}"]`);
    await cell.click();
    await page.locator("#stance-title").waitFor();
    const oldSalience = await page.locator("#ed-sal").inputValue();
    const quote = (await page.locator("#stance .quote").first().innerText()).split("\n")[0].replace(/^“|”$/g, "").trim();
    await page.screenshot({ path: join(shots, "workbench.png") });
    await page.locator("#stance a.evidence-link").first().click();
    const mark = page.locator("#article mark.focus").first();
    await mark.waitFor();
    // Every quote of the stance in this article is marked as focused; the opened one is among them.
    const marks = (await page.locator("#article mark.focus").allInnerTexts()).map((m) => m.replace(/\s+/g, " ").trim());
    assert.ok(marks.every((m) => m.length > 10), "the focused quotes are highlighted");
    const q = quote.replace(/\s+/g, " ");
    assert.ok(marks.some((m) => q.includes(m.slice(0, 40))), `one highlight of ${JSON.stringify(marks)} should be the quote "${quote}"`);
    await page.screenshot({ path: join(shots, "workbench-evidence.png") });

    // 3. Back to the stance; change its salience; save; the forecast page compares revisions.
    await page.locator("a", { hasText: "back to the stance" }).click();
    await page.locator("#ed-sal").waitFor();
    assert.notEqual(oldSalience, NEW_SALIENCE);
    await page.locator("#ed-sal").fill(NEW_SALIENCE);
    await page.locator("#ed-save").click();
    const row = page.locator(`#fc-table tr.fc-row[data-issue="${ISSUE}"]`);
    await row.waitFor({ timeout: 120000 });
    const delta = (await row.locator("td.fc-delta").innerText()).trim();
    assert.ok(delta.length > 0 && !/no change/.test(delta), `the ${ISSUE} forecast should change, change cell says "${delta}"`);
    assert.match(await page.locator("#fc-msg").innerText(), new RegExp(`${ACTOR}/${ISSUE}: salience ${oldSalience} → ${NEW_SALIENCE}`));
    await page.locator(`.chart[data-issue="${ISSUE}"] svg`).waitFor();
    // The forecast page leads with the headline of every issue (as the CLI and the report do).
    const heads = await page.locator("#fc-headline tr.hl-row").count();
    assert.ok(heads >= 14, `a headline row per flagship issue, saw ${heads}`);
    assert.match(await page.locator(`#fc-headline tr.hl-row[data-issue="${ISSUE}"] .hl-grade`).innerText(), /stable|fragile/);
    await page.screenshot({ path: join(shots, "workbench-forecast.png"), fullPage: false });

    // 4. The revision is kept: revision 1 still has the old salience.
    await page.goto(url + "#/s/1/revisions");
    await page.locator("td", { hasText: `salience ${oldSalience} → ${NEW_SALIENCE}` }).waitFor();

    // 5. The deal space, a simulation replay and a tournament, on the small test scenario
    //    (the flagship's 19-million-package space is too slow for a debug build in CI).
    const valid = join(root, "tests", "data", "valid");
    const upload = await fetch(url + "api/scenarios", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ scenario: readFileSync(join(valid, "minimal.toml"), "utf8"), file_name: "minimal.toml",
        sources: { "article.txt": readFileSync(join(valid, "article.txt"), "utf8") } }),
    });
    assert.equal(upload.status, 201);
    const { id } = await upload.json();
    await page.goto(`${url}#/s/${id}/deals`);
    await page.locator("#dl-scatter svg circle").first().waitFor({ timeout: 60000 });
    assert.ok((await page.locator("#dl-scatter svg circle").count()) > 3, "the Pareto scatter shows packages");
    await page.locator("#dl-y").selectOption({ index: 0 });
    assert.match(await page.locator("#dl-scatter").innerText(), /utility of/);
    await page.goto(`${url}#/s/${id}/simulate`);
    await page.locator("#sm svg polyline").first().waitFor({ state: "attached", timeout: 60000 });
    await page.locator("#sm-step").fill("1");
    assert.match(await page.locator("#sm-view").innerText(), /Offer 2 of/);
    await page.locator("#sm-tour").click();
    await page.locator("#tour-table tr").nth(1).waitFor({ timeout: 60000 });

    // 6. The report of the small scenario, downloaded as one HTML file.
    await page.goto(`${url}#/s/${id}/report`);
    await page.locator("#rp-mc").fill("100");
    await page.locator("#rp-go").click();
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 60000 }),
      page.locator("#rp-dl").click({ timeout: 60000 }),
    ]);
    assert.match(download.suggestedFilename(), /^minimal-r1-report\.html$/);
    const html = readFileSync(await download.path(), "utf8");
    assert.match(html, /Valley dispute/);
    assert.match(html, /<svg/);
    assert.deepEqual(errors, [], "no script errors in the page");
  } finally {
    await context.close();
    child.kill("SIGINT");
    rmSync(tmp, { recursive: true, force: true });
  }
});

mkdirSync(shots, { recursive: true });
