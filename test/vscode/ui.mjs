// Page-level checks: what a person sees in the real workbench (code-server in headless chromium).
import * as fs from "node:fs";
import * as path from "node:path";

const T = 30_000;

async function check(record, name, fn) {
  try {
    await fn();
    record(`ui: ${name}`, true);
    return true;
  } catch (error) {
    record(`ui: ${name}`, false, error instanceof Error ? error.message : error);
    return false;
  }
}

/** Opens a pipeline file by clicking it in the Explorer (the workspace's pipelines folder is expanded). */
async function quickOpen(page, file) {
  await page.keyboard.press("Escape"); // close any widget that would swallow the click
  const row = page
    .locator(".explorer-folders-view .monaco-list-row", {
      hasText: new RegExp(`^${file.replace(/\./g, "\\.")}`),
    })
    .first();
  if (!(await row.isVisible())) {
    // the folder is collapsed on a fresh profile: expand .capstan/pipelines
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: ".capstan" }).first().click();
  }
  await row.waitFor({ timeout: T });
  await row.click();
  await page.locator(".tabs-container .tab.active", { hasText: file }).waitFor({ timeout: T });
}

async function runCommand(page, title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ timeout: T });
  await input.fill(`>${title}`);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ timeout: T });
  await row.click(); // not Enter: the highlighted row may still be a recently used command
}

/** Colours of the spans in the editor line containing `lineText`, keyed by their text. */
async function lineColours(page, lineText) {
  return page.evaluate((needle) => {
    const line = [...document.querySelectorAll(".monaco-editor .view-line")].find((l) =>
      l.textContent.replace(/\u00a0/g, " ").includes(needle),
    );
    if (!line) return null;
    return [...line.querySelectorAll("span > span")].map((s) => ({
      text: s.textContent.replace(/\u00a0/g, " "),
      color: getComputedStyle(s).color,
    }));
  }, lineText);
}

/** Runs the page-level checks; each records its own result. */
export async function runUiChecks({ page, url, ws, record, artifacts }) {
  // A copy of safe-deployment.yml whose last line is an unfinished `if: "${ #judgment(`.
  const pipelines = path.join(ws, ".capstan", "pipelines");
  const safe = fs.readFileSync(path.join(pipelines, "safe-deployment.yml"), "utf8").trimEnd();
  const tail =
    '\n\n  - id: notify\n    name: Notify\n    type: wait\n    duration: 1s\n    dependsOn: [judgment]\n    if: "${ #judgment(';
  fs.writeFileSync(path.join(pipelines, "typing.yml"), `${safe}${tail}`);
  await page.goto(url, { waitUntil: "domcontentloaded" });
  await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
  await page.locator(".explorer-folders-view").waitFor({ timeout: 60_000 });

  await check(record, "a broken pipeline shows a red squiggle", async () => {
    await quickOpen(page, "broken.yml");
    await page.locator(".monaco-editor .squiggly-error").first().waitFor({ timeout: T });
  });

  await check(record, "the Problems panel lists the broken reference", async () => {
    await page.keyboard.press("Control+Shift+M");
    await page
      .locator(".markers-panel .monaco-list-row", { hasText: "biuld" })
      .first()
      .waitFor({ timeout: T });
  });

  await check(record, "the status bar shows the pipeline's error count", async () => {
    await page
      .locator(".statusbar-item", { hasText: /Capstan: [1-9]\d* errors?/ })
      .first()
      .waitFor({ timeout: T });
  });
  await page.keyboard.press("Control+J"); // hide the panel again

  await check(record, "expressions inside YAML strings are coloured", async () => {
    await quickOpen(page, "safe-deployment.yml");
    const needle = "#judgment('Manual Judgment').equals('continue')";
    let spans = null;
    for (let i = 0; i < 50 && !spans; i++) {
      spans = await lineColours(page, needle);
      if (!spans) await page.waitForTimeout(200);
    }
    if (!spans) throw new Error("the if: line is not visible");
    const string = spans.find((s) => s.text.startsWith('"'));
    const fn = spans.find((s) => s.text === "judgment");
    const method = spans.find((s) => s.text === "equals");
    if (!string || !fn || !method)
      throw new Error(`expression not split into tokens: ${JSON.stringify(spans)}`);
    if (fn.color === string.color) throw new Error(`#judgment has the string's colour ${string.color}`);
    if (method.color === string.color) throw new Error(`.equals has the string's colour ${string.color}`);
  });

  await check(record, "typing #judgment(' pops up the judgment names", async () => {
    await quickOpen(page, "typing.yml");
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("'", { delay: 50 });
    await page
      .locator(".suggest-widget.visible .monaco-list-row", { hasText: "Manual Judgment" })
      .first()
      .waitFor({ timeout: T });
  });

  await check(record, "screenshot of the editor", async () => {
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(artifacts, "editor.png") });
    await page.keyboard.press("Escape");
  });

  const webview = () => page.frameLocator("iframe.webview.ready").frameLocator("#active-frame");
  const graphShown = await check(record, "Show Pipeline Graph opens a view with the stages", async () => {
    await quickOpen(page, "safe-deployment.yml");
    await runCommand(page, "Capstan: Show Pipeline Graph");
    await page
      .locator(".tabs-container .tab", { hasText: "Graph: safe-deployment.yml" })
      .waitFor({ timeout: T });
    const nodes = webview().locator("svg#graph g.node");
    await nodes.first().waitFor({ timeout: T });
    const ids = await nodes.evaluateAll((els) => els.map((e) => e.getAttribute("data-stage")));
    if (ids.join(",") !== "judgment,deploy,rollback") throw new Error(`nodes: ${ids.join(",")}`);
    const branches = await webview().locator(".branch-label").allTextContents();
    if (branches.sort().join(",") !== "continue,rollback")
      throw new Error(`branch labels: ${branches.join(",")}`);
  });

  if (graphShown) {
    await check(record, "hovering a stage shows its if condition", async () => {
      await webview().locator('g.node[data-stage="deploy"]').hover();
      const tip = webview().locator("#tooltip");
      await tip.waitFor({ state: "visible", timeout: T });
      const text = await tip.textContent();
      if (!text.includes("if: ${ #judgment('Manual Judgment').equals('continue') }"))
        throw new Error(`tooltip: ${text}`);
    });

    await check(record, "screenshot of the graph view", async () => {
      await page.mouse.move(5, 5);
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(artifacts, "graph.png") });
    });

    await check(record, "clicking a stage reveals it in the editor", async () => {
      const text = fs.readFileSync(path.join(ws, ".capstan", "pipelines", "safe-deployment.yml"), "utf8");
      const line = text.split("\n").findIndex((l) => l.includes("- id: rollback")) + 1;
      await webview().locator('g.node[data-stage="rollback"]').click();
      await page
        .locator(".statusbar-item", { hasText: new RegExp(`Ln ${line}, Col`) })
        .first()
        .waitFor({ timeout: T });
    });
  }
}
