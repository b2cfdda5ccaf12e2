/**
 * The relative links of Markdown files, and whether each resolves: to a file or folder of
 * the repository and, after `#`, to a heading of that file (GitHub's anchors).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { anchor } from '../../src/build/config-page.js';

/** The anchors of a Markdown text's headings, outside code blocks. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) anchors.add(anchor(heading[1]!.replace(/`/g, '')));
  }
  return anchors;
}

/** The links of a Markdown text that point inside the repository (no scheme, no mailto). */
export function relativeLinksOf(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** Links of `file` (relative to `root`) that do not resolve, each as `file: link`. */
export function brokenLinks(root: string, file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const broken: string[] = [];
  for (const link of relativeLinksOf(text)) {
    const [path, hash] = link.split('#', 2) as [string, string | undefined];
    const target = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
    if (!existsSync(join(root, target))) {
      broken.push(`${file}: ${link}`);
      continue;
    }
    if (hash !== undefined && hash !== '' && !statSync(join(root, target)).isDirectory()) {
      if (!anchorsOf(readFileSync(join(root, target), 'utf8')).has(hash)) broken.push(`${file}: ${link}`);
    }
  }
  return broken;
}
