// Opens an EPUB in epub.js, in headless Chromium, as a reader would, and
// prints what it found as one JSON object on standard output:
//
//   node read.mjs BOOK.epub SHOTS-DIR RUNS
//
// - `first_page_ms`: RUNS times, each in a fresh browser context, from
//   opening the book to its first page of text (the first contents entry)
//   being displayed;
// - `toc` and `pages`: how many contents and page-list entries were shown,
//   each after `rendition.display(href)`: the entry's file must be the one
//   displayed and its target element must lie on the page shown;
// - `footnote`: the first note reference met on those pages, clicked, then
//   the note's back-link clicked: each must land on the page of its target;
// - `failures`: every entry that did not, with why.
//
// Screenshots of the first page, of a page in the middle of the contents
// and of the first footnote go into SHOTS-DIR. The book is served over HTTP from
// this process; Chromium is `CHROMIUM` or /usr/bin/chromium.

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";

const [bookPath, shots, runsText] = process.argv.slice(2);
if (!bookPath || !shots) {
    console.error("usage: node read.mjs BOOK.epub SHOTS-DIR [RUNS]");
    process.exit(2);
}
const runs = Number(runsText || 1);
const here = path.dirname(fileURLToPath(import.meta.url));
const modules = path.join(here, "node_modules");

const files = {
    "/jszip.js": path.join(modules, "jszip/dist/jszip.min.js"),
    "/epub.js": path.join(modules, "epubjs/dist/epub.min.js"),
    "/book.epub": bookPath,
};
const page = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>reader</title>
<script src="/jszip.js"></script><script src="/epub.js"></script>
<style>body { margin: 0 } #viewer { width: 600px; height: 800px }</style>
</head><body><div id="viewer"></div></body></html>`;

const server = http.createServer((request, response) => {
    const file = files[request.url];
    if (request.url === "/") {
        response.writeHead(200, { "content-type": "text/html" });
        response.end(page);
    } else if (file) {
        const type = file.endsWith(".js") ? "text/javascript" : "application/epub+zip";
        // No caching: each timed run fetches the book again.
        response.writeHead(200, { "content-type": type, "cache-control": "no-store" });
        fs.createReadStream(file).pipe(response);
    } else {
        response.writeHead(404);
        response.end();
    }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const args = ["--disable-dev-shm-usage", "--disable-gpu"];
if (process.getuid && process.getuid() === 0) {
    args.push("--no-sandbox");
}
const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args,
});

// Opens the book in a fresh context and shows its first contents entry;
// returns the page and the milliseconds that took.
async function open() {
    const context = await browser.createBrowserContext();
    const tab = await context.newPage();
    await tab.setViewport({ width: 600, height: 800 });
    await tab.goto(`${origin}/`);
    const ms = await tab.evaluate(async () => {
        const start = performance.now();
        window.book = ePub("/book.epub");
        window.rendition = book.renderTo("viewer", { width: 600, height: 800, spread: "none" });
        await book.loaded.navigation;
        const navPath = book.packaging.navPath || book.packaging.ncxPath;
        // A nav href is relative to the nav document; epub.js wants it
        // relative to the package document, as the spine's hrefs are.
        window.resolve = (href) => {
            const url = new URL(href, `http://book/${navPath}`);
            return decodeURIComponent(url.pathname.slice(1)) + url.hash;
        };
        await rendition.display(resolve(book.navigation.toc[0].href));
        await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        return performance.now() - start;
    });
    return { context, tab, ms };
}

const times = [];
for (let run = 0; run < runs; run++) {
    const { context, ms } = await open();
    times.push(Math.round(ms));
    await context.close();
}
const { tab } = await open();
await tab.screenshot({ path: path.join(shots, "first-page.png") });

// Installed in the page: whether the element a target names lies on the
// page shown, and waiting for a display a click started.
await tab.evaluate(() => {
    window.shown = (target) => {
        const [file, id] = target.split("#");
        const location = rendition.currentLocation();
        const contents = rendition.getContents();
        const displayed = contents.map((c) => book.spine.get(c.sectionIndex).href);
        if (!displayed.includes(file)) {
            return `shows ${displayed.join(", ")}, not ${file}`;
        }
        const content = contents[displayed.indexOf(file)];
        if (!id) {
            const page = location.start.displayed.page;
            return page === 1 ? null : `shows page ${page} of ${file}, not its first`;
        }
        const element = content.document.getElementById(id);
        if (!element) {
            return `${file} has no element #${id}`;
        }
        const frame = content.document.defaultView.frameElement.getBoundingClientRect();
        const box = rendition.manager.container.getBoundingClientRect();
        const rect = element.getBoundingClientRect();
        const x = frame.left + rect.left;
        const y = frame.top + rect.top;
        if (x < box.left - 1 || x >= box.right || y < box.top - 1 || y >= box.bottom) {
            return `#${id} is at (${Math.round(x)}, ${Math.round(y)}), off the page shown`;
        }
        return null;
    };
    window.flatten = (items) => items.flatMap((item) => [item, ...flatten(item.subitems || [])]);
    window.firstNoteref = () => {
        for (const content of rendition.getContents()) {
            const link = content.document.querySelector('a[role="doc-noteref"]');
            if (link && link.id) {
                const file = book.spine.get(content.sectionIndex).href;
                return `${file}#${link.id}`;
            }
        }
        return null;
    };
    // Clicks the link with this id in the displayed file (epub.js handles
    // the click) and waits for the display it starts.
    window.follow = async (file, id) => {
        const content = rendition
            .getContents()
            .find((c) => book.spine.get(c.sectionIndex).href === file);
        const link = content && content.document.getElementById(id);
        if (!link) {
            return { error: `no link #${id} in ${file}` };
        }
        const href = link.getAttribute("href");
        const displayed = new Promise((done) => rendition.once("displayed", done));
        link.click();
        await displayed;
        await new Promise((done) => setTimeout(done, 50));
        const target = new URL(href, `http://book/${file}`);
        return { href, target: decodeURIComponent(target.pathname.slice(1)) + target.hash };
    };
});

const failures = [];
async function visit(kind, entries) {
    let count = 0;
    for (const entry of entries) {
        const problem = await tab.evaluate(async (href) => {
            const target = resolve(href);
            try {
                await rendition.display(target);
            } catch (error) {
                return `display failed: ${error}`;
            }
            return shown(target);
        }, entry.href);
        count++;
        if (problem) {
            failures.push(`${kind} entry ${JSON.stringify(entry.label || entry.page)} (${entry.href}): ${problem}`);
        }
        if (kind === "toc" && !noteref) {
            noteref = await tab.evaluate(() => firstNoteref());
        }
        if (kind === "toc" && count === Math.ceil(entries.length / 2)) {
            await tab.screenshot({ path: path.join(shots, "middle.png") });
        }
    }
    return count;
}

let noteref = null;
const tocEntries = await tab.evaluate(() =>
    flatten(book.navigation.toc).map((item) => ({ href: item.href, label: item.label.trim() })),
);
const pageEntries = await tab.evaluate(() =>
    (book.pageList ? book.pageList.pageList || [] : []).map((item) => ({ href: item.href, page: item.page })),
);
const toc = await visit("toc", tocEntries);
const pages = await visit("page-list", pageEntries);

let footnote = null;
if (noteref) {
    footnote = await tab.evaluate(async (ref) => {
        const [file, id] = ref.split("#");
        await rendition.display(ref);
        const there = await follow(file, id);
        return there.error ? { ref, error: there.error } : { ref, note: there.target, error: shown(there.target) };
    }, noteref);
    await tab.screenshot({ path: path.join(shots, "footnote.png") });
    if (!footnote.error) {
        footnote = await tab.evaluate(async (footnote) => {
            const { ref, note } = footnote;
            const id = ref.split("#")[1];
            const [noteFile, noteId] = note.split("#");
            const content = rendition
                .getContents()
                .find((c) => book.spine.get(c.sectionIndex).href === noteFile);
            // The back-link: the note's link to its reference.
            const back = [...content.document.getElementById(noteId).querySelectorAll("a[href]")].find((a) =>
                a.getAttribute("href").endsWith(`#${id}`),
            );
            if (!back) {
                return { ...footnote, error: `note #${noteId} has no link back to #${id}` };
            }
            if (!back.id) {
                back.id = "bindery-test-back-link";
            }
            const returned = await follow(noteFile, back.id);
            return { ...footnote, back: returned.target, error: returned.error || shown(ref) };
        }, footnote);
    }
    if (footnote.error) {
        failures.push(`footnote ${footnote.ref}: ${footnote.error}`);
    }
}

await browser.close();
server.close();
console.log(JSON.stringify({ first_page_ms: times, toc, pages, footnote, failures }));
