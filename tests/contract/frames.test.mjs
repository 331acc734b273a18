// The page's side of the contract test: every case of frames.json through the page's own
// frames module (Gateway/wwwroot/js/frames.js). Run with `node --test tests/contract/`;
// ContractTests in tests/OrleansChat.Protocol.Tests runs it so that `dotnet test` does too.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as frames from '../../Gateway/wwwroot/js/frames.js';

const cases = JSON.parse(readFileSync(new URL('./frames.json', import.meta.url), 'utf8'));

for (const c of cases.serverFrames) {
  test(`the page reads the server frame: ${c.name}`, () => {
    assert.deepEqual(frames.parseServerFrame(c.json), c.expected);
  });
}

for (const c of cases.unreadableServerFrames) {
  test(`the page ignores the server frame: ${c.name}`, () => {
    assert.equal(frames.parseServerFrame(c.json), null);
  });
}

for (const c of cases.clientFrames) {
  test(`the page writes the client frame: ${c.name}`, () => {
    const [builder, ...args] = c.write;
    assert.equal(typeof frames[builder], 'function', `frames.js has no ${builder}`);
    const frame = frames[builder](...args);
    assert.equal(frames.encodeClientFrame(frame), c.json);
    assert.deepEqual(frame, c.expected);
  });
}
