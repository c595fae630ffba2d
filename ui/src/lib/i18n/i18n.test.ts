import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { en } from './en';
import { isMessageKey, setLocale, t } from './index.svelte';
import { nl } from './nl';

afterEach(() => setLocale('nl'));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : [path];
  });
}

// Vitest runs from ui/.
const srcRoot = join(process.cwd(), 'src');

describe('i18n', () => {
  it('has the same keys in nl and en', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(nl).sort());
  });

  it('has no empty translation', () => {
    for (const [key, value] of [...Object.entries(nl), ...Object.entries(en)]) {
      expect(value.trim(), key).not.toBe('');
    }
  });

  it('speaks Dutch by default and English after switching', () => {
    expect(t('nav.settings')).toBe('Instellingen');
    setLocale('en');
    expect(t('nav.settings')).toBe('Settings');
    expect(document.documentElement.lang).toBe('en');
  });

  it('fills placeholders', () => {
    expect(t('errors.unknown', { message: 'boom' })).toBe('Onverwachte fout: boom');
  });

  it('knows which strings are keys', () => {
    expect(isMessageKey('nav.outbox')).toBe(true);
    expect(isMessageKey('nav.nope')).toBe(false);
  });

  it('uses only keys that exist in the catalogue', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(srcRoot).filter((f) => f.endsWith('.svelte'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\('([\w.]+)'/g)) {
        used.add(match[1] ?? '');
      }
    }
    expect(used.size).toBeGreaterThan(5);
    for (const key of used) expect(isMessageKey(key), key).toBe(true);
  });

  it('has no hard-coded text in markup', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(srcRoot).filter((f) => f.endsWith('.svelte'))) {
      let markup = readFileSync(file, 'utf8')
        .replace(/<script[\s\S]*?<\/script>/g, '')
        .replace(/<style[\s\S]*?<\/style>/g, '')
        .replace(/<svg[\s\S]*?<\/svg>/g, '');
      // Strip {expressions} from the innermost out, so nested braces go too.
      for (let before = ''; before !== markup; ) {
        before = markup;
        markup = markup.replace(/\{[^{}]*\}/g, '');
      }
      // Text between tags that contains a letter is a hard-coded string.
      for (const match of markup.matchAll(/>([^<>]*\p{L}[^<>]*)</gu)) {
        offenders.push(`${file}: ${match[1]?.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe('backend boundary', () => {
  it('imports @tauri-apps only in lib/backend', () => {
    const offenders = sourceFiles(srcRoot)
      .filter((f) => /\.(ts|svelte)$/.test(f) && !f.includes(join('lib', 'backend')))
      .filter((f) => /from\s+['"]@tauri-apps\//.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
