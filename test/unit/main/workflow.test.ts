/**
 * The release workflow and the packaging config, checked by the tools that own their formats:
 * the workflow by GitHub's own workflow parser and schema (@actions/workflow-parser, the one
 * behind GitHub's Actions language service), the packaging config by electron-builder's JSON
 * schema (app-builder-lib/scheme.json) — no binary download. Then what each must promise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

/** Every error GitHub's parser and its workflow schema find in a workflow file. */
async function workflowProblems(content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name: 'release.yml', content }, new NoOperationTraceWriter());
  const parseErrors = parsed.context.errors.getErrors().map((e) => e.message);
  if (!parsed.value) return parseErrors;
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return [...parsed.context.errors.getErrors().map((e) => e.message), ...(template.errors ?? []).map((e) => e.Message)];
}

describe('.github/workflows/release.yml', () => {
  const content = read('.github/workflows/release.yml');

  it('is a valid GitHub workflow (GitHub’s parser and schema find no error)', async () => {
    expect(await workflowProblems(content)).toEqual([]);
  });

  it('the check would catch a broken workflow', async () => {
    const broken = content.replace(/runs-on: /g, 'runs-onn: ').replace('timeout-minutes: 60', 'timeout-minutes: soon');
    expect((await workflowProblems(broken)).length).toBeGreaterThan(0);
  });

  it('tests on Linux, macOS and Windows on every push and tag, the desktop e2e under xvfb on Linux, and builds installers only for tags', () => {
    expect(content).toMatch(/on:\n {2}push:\n {4}branches: \["\*\*"\]\n {4}tags: \["v\*"\]/);
    expect(content).toContain('os: [ubuntu-latest, macos-latest, windows-latest]');
    expect(content).toContain('xvfb-run --auto-servernum npm test');
    expect(content).not.toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
    expect(content).toContain("if: startsWith(github.ref, 'refs/tags/v')");
    expect(content).toContain('npx electron-builder --publish never');
  });
});

describe('electron-builder.json', () => {
  const config = JSON.parse(read('electron-builder.json')) as Record<string, unknown> & {
    electronFuses: Record<string, boolean>;
    mac: { target: Array<{ target: string; arch: string[] }> };
    win: { target: Array<{ target: string }> };
    linux: { target: Array<{ target: string }> };
    deb: { afterInstall: string };
  };
  const schema = JSON.parse(read('node_modules/app-builder-lib/scheme.json'));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  it('passes electron-builder’s own schema', () => {
    const ok = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema would catch a mistake', () => {
    expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNodee: false } })).toBe(false);
    expect(validate({ ...config, asar: 'yes' })).toBe(false);
  });

  it('sets the fuses a shipped app sets, packs into asar, and builds dmg (universal), NSIS, AppImage and deb', () => {
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableNodeCliInspectArguments: false,
      enableNodeOptionsEnvironmentVariable: false,
    });
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['universal'] }]);
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.linux.target.map((t) => t.target)).toEqual(['AppImage', 'deb']);
  });

  it('the deb’s post-install makes Chromium’s sandbox work (setuid helper, AppArmor userns profile)', () => {
    const script = read(config.deb.afterInstall);
    expect(script).toContain('chmod 4755 "$APP_DIR/chrome-sandbox"');
    expect(script).toMatch(/profile stillroom "\$BIN"[^\n]*\{\n {2}userns,/);
  });

  it('ships icons for every system and the app’s own files only', () => {
    for (const p of ['assets/icons/icon.png', 'assets/icons/256x256.png', 'assets/icons/512x512.png']) {
      const png = readFileSync(join(root, p));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
    }
    expect(readFileSync(join(root, 'assets/icons/icon.png')).readUInt32BE(16)).toBe(1024);
    expect(config.files).toEqual(['out/**', '!out/**/*.map', 'assets/demo-audio/**', 'playlists/**', 'package.json']);
  });
});
