/** The `mp` API reference page (`public/docs/lua-api.html`), generated from the specification. */
import { MP_API, MP_API_VERSION, MP_MODULES, qualifiedName, type MpFunction } from '../spec';
import { signature } from './signature';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function anchor(fn: MpFunction): string {
  return qualifiedName(fn).replace(/\./g, '-');
}

const COMPAT_LABEL = {
  multiprog: 'MultiProg-compatible',
  webprog: 'WebProg-only',
  'not-in-browser': 'not supported in a browser',
} as const;

function renderCompat(fn: MpFunction): string {
  const compat = fn.compat ?? { kind: 'webprog' as const };
  const reason = compat.reason ? `: ${escape(compat.reason)}` : '';
  return `<p class="compat compat-${compat.kind}"><span class="tag">${COMPAT_LABEL[compat.kind]}</span>${reason}</p>`;
}

function renderFunction(fn: MpFunction): string {
  const params = fn.params.length
    ? `<table><thead><tr><th>Parameter</th><th>Type</th><th>Meaning</th></tr></thead><tbody>${fn.params
        .map(
          (p) =>
            `<tr><td><code>${escape(p.name)}</code>${p.optional ? ' <em>optional</em>' : ''}</td><td>${escape(p.type)}</td><td>${escape(p.description)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  return [
    `<section class="fn" id="${anchor(fn)}">`,
    `<h3><code>${escape(signature(fn))}</code>${fn.blocking ? ' <span class="tag">waits</span>' : ''}</h3>`,
    renderCompat(fn),
    `<p>${escape(fn.description)}</p>`,
    params,
    `<p class="returns">Returns: <code>${escape(fn.returns)}</code></p>`,
    `<pre><code>${escape(fn.example)}</code></pre>`,
    '</section>',
  ].join('\n');
}

/** The whole reference page as HTML (no scripts; styles inline). */
export function renderApiDocs(): string {
  const toc = MP_MODULES.map(
    ({ module }) =>
      `<li><a href="#mp-${module}">mp.${module}</a>: ${MP_API.filter((f) => f.module === module)
        .map((f) => `<a href="#${anchor(f)}">${escape(f.name)}</a>`)
        .join(', ')}</li>`,
  ).join('\n');
  const sections = MP_MODULES.map(
    ({ module, summary }) =>
      `<h2 id="mp-${module}">mp.${module}</h2>\n<p>${escape(summary)}</p>\n${MP_API.filter(
        (f) => f.module === module,
      )
        .map(renderFunction)
        .join('\n')}`,
  ).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WebProg Lua API ${MP_API_VERSION}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
code, pre { font-family: ui-monospace, monospace; }
pre { background: #f3f3f3; padding: .6rem .8rem; overflow-x: auto; }
table { border-collapse: collapse; margin: .4rem 0; }
th, td { border: 1px solid #ccc; padding: .2rem .5rem; text-align: left; vertical-align: top; }
.fn { border-top: 1px solid #ddd; padding-top: .4rem; }
.tag { font-size: .75rem; background: #e6f0ff; border-radius: .3rem; padding: 0 .4rem; }
.compat-multiprog .tag { background: #dcf5e3; }
.compat-not-in-browser .tag { background: #fde7e7; }
</style>
</head>
<body>
<h1>WebProg Lua API <small>${MP_API_VERSION}</small></h1>
<p>Scripts run in Lua 5.4 inside the browser. Calls marked <span class="tag">waits</span> wait for the device or
the page; to the script they look blocking (also inside pcall, loops and coroutines). Stop ends a script at once.
Scripts cannot reach files, modules, <code>debug</code> or bytecode; <code>os</code> keeps only time, clock, date
and difftime. Regions are named (or indexed from 0); addresses are absolute unless a parameter says offset.</p>
<p>Each function is marked <span class="tag">MultiProg-compatible</span> (MultiProg's name, arguments, results and
error convention: scripts written for MultiProg run unchanged), <span class="tag">WebProg-only</span>, or
<span class="tag">not supported in a browser</span> (MultiProg's name; the reason is given).</p>
<ul>
${toc}
</ul>
${sections}
</body>
</html>
`;
}
