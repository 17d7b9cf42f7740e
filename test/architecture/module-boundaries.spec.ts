import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The module-boundary rule of the Nx style, enforced from the projects' tags
 * (each project.json) and tools/module-boundaries.json: connectors stay free of Nest, BullMQ and
 * Redis; the SCIM protocol library imports nothing; use cases never import drivers; apps are shells.
 */
const root = join(__dirname, '..', '..');
interface Constraint {
  sourceTag: string;
  onlyDependOnLibsWithTags: string[];
  bannedExternalImports?: string[];
}
const { depConstraints } = JSON.parse(readFileSync(join(root, 'tools/module-boundaries.json'), 'utf8')) as { depConstraints: Constraint[] };

interface Project {
  name: string;
  root: string;
  tags: string[];
}
const projects: Project[] = ['apps', 'libs'].flatMap((top) =>
  readdirSync(join(root, top))
    .filter((dir) => existsSync(join(root, top, dir, 'project.json')))
    .map((dir) => {
      const json = JSON.parse(readFileSync(join(root, top, dir, 'project.json'), 'utf8')) as { name: string; tags: string[] };
      return { name: json.name, root: join(root, top, dir), tags: json.tags };
    }),
);
const byLib = new Map(projects.filter((p) => p.root.includes(`${join(root, 'libs')}`)).map((p) => [p.name, p]));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : sources(path);
    return /\.ts$/.test(entry) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry) && !path.includes('/testing/') ? [path] : [];
  });
}

/** Value imports only: `import type` never reaches the running code. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) found.push(match[1]);
  for (const match of text.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(match[1]);
  return found;
}

const typeTag = (project: Project) => project.tags.find((t) => t.startsWith('type:'))!;
const matches = (pattern: string, name: string) => (pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern || name.startsWith(`${pattern}/`));

describe('module boundaries', () => {
  it('every project has a type tag with a constraint, and every lib one entrance and a README', () => {
    for (const project of projects) {
      expect({ project: project.name, constrained: depConstraints.some((c) => c.sourceTag === typeTag(project)) }).toEqual({ project: project.name, constrained: true });
      if (byLib.has(project.name)) {
        expect({ project: project.name, index: existsSync(join(project.root, 'src/index.ts')), readme: existsSync(join(project.root, 'README.md')) }).toEqual({
          project: project.name,
          index: true,
          readme: true,
        });
      }
    }
  });

  it.each(projects.map((p) => [p.name, p] as const))('%s imports only what its tags allow', (_name, project) => {
    const constraint = depConstraints.find((c) => c.sourceTag === typeTag(project))!;
    const violations: string[] = [];
    for (const file of sources(project.root)) {
      for (const spec of imports(file)) {
        const where = relative(root, file);
        if (spec.startsWith('@connector-host/')) {
          const target = byLib.get(spec.slice('@connector-host/'.length));
          if (!target) violations.push(`${where}: unknown lib ${spec}`);
          else if (target !== project && !constraint.onlyDependOnLibsWithTags.includes(typeTag(target))) violations.push(`${where}: ${spec} (${typeTag(target)})`);
        } else if (spec.startsWith('.')) {
          const resolved = resolve(dirname(file), spec);
          if (!resolved.startsWith(project.root)) violations.push(`${where}: relative import leaves the project: ${spec}`);
        } else if ((constraint.bannedExternalImports ?? []).some((banned) => matches(banned, spec))) {
          violations.push(`${where}: banned package ${spec}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
