'use strict';
// Loaded by every Node snippet the verify runner starts (`node --require <this file>`), before
// the snippet's own code, ESM or CommonJS. The Node counterpart of ../_site/sitecustomize.py;
// driven by environment variables the runner sets:
//
// GEMINI_MIGRATE_EMULATOR=http://127.0.0.1:PORT
//   Requests to the Gemini API host go to the emulator instead. @google/genai already honours
//   GOOGLE_GEMINI_BASE_URL; the legacy @google/generative-ai has no such variable (only a
//   `baseUrl` request option that user code does not pass), and both SDKs call the global
//   `fetch` at request time, so wrapping it reaches every request either SDK makes.
//
// GEMINI_MIGRATE_BLOCK_NETWORK=1
//   Only loopback connections: `fetch` to any other host is refused at once, and so is every
//   TCP/TLS socket (net.Socket#connect, which http, https, undici and ws all go through).
//
// GEMINI_MIGRATE_SOURCE_DIR=/path/of/the/snippet's/folder
//   The snippet runs from a temporary folder; an import the snippet makes that cannot be
//   resolved from there (a sibling module, a package of its own project) is resolved again as
//   if the snippet were in its own folder, as Python's runner keeps that folder importable.
//   (ESM: register.mjs; CommonJS: below.)

const net = require('node:net');
const path = require('node:path');
const Module = require('node:module');

const EMULATOR = process.env.GEMINI_MIGRATE_EMULATOR || '';
const BLOCK = process.env.GEMINI_MIGRATE_BLOCK_NETWORK === '1';
const SOURCE_DIR = process.env.GEMINI_MIGRATE_SOURCE_DIR || '';
const SNIPPET = process.env.GEMINI_MIGRATE_SNIPPET || '';
// Where the SDKs send requests by default (legacy: the only host; @google/genai: its default
// base URL, used when user code overrides GOOGLE_GEMINI_BASE_URL with its own httpOptions).
const GEMINI_HOSTS = new Set(['generativelanguage.googleapis.com']);

function loopback(host) {
  if (typeof host !== 'string') return false;
  const bare = host.replace(/^\[|\]$/g, '').split('%')[0].toLowerCase();
  if (bare === 'localhost' || bare === 'localhost.localdomain' || bare === 'ip6-localhost') {
    return true;
  }
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

function refusal(where) {
  return new Error(
    `gemini-migrate verify: network access to ${where} is blocked (snippets may only reach ` +
      'the loopback emulator; use --live for the real API)',
  );
}

if (EMULATOR && typeof globalThis.fetch === 'function') {
  const realFetch = globalThis.fetch;
  const emulator = new URL(EMULATOR);
  const wrapped = function fetch(input, init) {
    let url;
    try {
      url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    } catch {
      return realFetch.call(this, input, init); // let fetch itself report the bad URL
    }
    if (GEMINI_HOSTS.has(url.hostname)) {
      const target = new URL(url.pathname + url.search, emulator).href;
      if (typeof input === 'string' || input instanceof URL) {
        return realFetch.call(this, target, init);
      }
      // A Request (the Interactions client sends those): copied with its body read first, so
      // the copy goes out with a Content-Length as the original would, not chunked.
      const request = input;
      const body = request.body === null ? Promise.resolve(undefined) : request.arrayBuffer();
      return body.then((bytes) => realFetch.call(this, new Request(target, {
        method: request.method, headers: request.headers, body: bytes,
        signal: request.signal, redirect: request.redirect,
      }), init));
    } else if (BLOCK && !loopback(url.hostname)) {
      return Promise.reject(new TypeError('fetch failed', { cause: refusal(url.host) }));
    }
    return realFetch.call(this, input, init);
  };
  Object.defineProperty(globalThis, 'fetch', {
    value: wrapped, writable: true, configurable: true, enumerable: true,
  });
}

if (BLOCK) {
  const realConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connect(...args) {
    // (options[, cb]), (port[, host][, cb]), (path[, cb]), or the internal normalised array
    let first = args[0];
    if (Array.isArray(first)) first = first[0];
    let host;
    let local = false;
    if (first !== null && typeof first === 'object') {
      local = typeof first.path === 'string' && first.path !== '';
      host = first.host === undefined ? 'localhost' : first.host;
    } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
      local = true; // a Unix socket path
    } else {
      host = typeof args[1] === 'string' ? args[1] : 'localhost';
    }
    if (!local && !loopback(host)) {
      const error = refusal(host);
      error.code = 'ECONNREFUSED';
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return realConnect.apply(this, args);
  };
}

if (SOURCE_DIR && SNIPPET) {
  // CommonJS: a require() from the snippet that fails from the temporary folder is tried
  // again from the snippet's own folder.
  const realResolve = Module._resolveFilename;
  const stand = path.join(SOURCE_DIR, path.basename(SNIPPET));
  Module._resolveFilename = function resolveFilename(request, parent, ...rest) {
    try {
      return realResolve.call(this, request, parent, ...rest);
    } catch (error) {
      if (error.code !== 'MODULE_NOT_FOUND' || !parent || parent.filename !== SNIPPET) throw error;
      const proxy = new Module(stand, null);
      proxy.filename = stand;
      proxy.paths = Module._nodeModulePaths(SOURCE_DIR);
      try {
        return realResolve.call(this, request, proxy, ...rest);
      } catch {
        throw error; // report the original failure, not the retry's
      }
    }
  };
}
