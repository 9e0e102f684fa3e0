/** Summarises a V8 .cpuprofile (node --cpu-prof) into Markdown: hot functions and hot areas. */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SummaryOptions {
  /** Only samples from this many ms after the profile started (skip start-up and warm-up). */
  fromMs?: number;
  toMs?: number;
  title?: string;
  repoRoot?: string;
  top?: number;
}

const META = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

export function summarizeCpuProfile(json: string, options: SummaryOptions = {}): string {
  const profile = JSON.parse(json) as CpuProfile;
  const top = options.top ?? 25;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const location = (frame: CallFrame) => describeUrl(frame.url, options.repoRoot);
  const functionKey = (frame: CallFrame) => {
    if (META.has(frame.functionName)) return frame.functionName;
    const where = location(frame);
    const name = frame.functionName || '(anonymous)';
    if (!where) return `${name} (native)`;
    // Built files carry no useful line for the .ts source; the function name is enough there.
    return where.startsWith('src/') ? `${name} — ${where}` : `${name} — ${where}:${frame.lineNumber + 1}`;
  };
  const areaOf = (frame: CallFrame) => (META.has(frame.functionName) ? frame.functionName : area(frame.url, options.repoRoot));

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const selfArea = new Map<string, number>();
  const inclusiveArea = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);

  let t = profile.startTime;
  const from = profile.startTime + (options.fromMs ?? 0) * 1000;
  const to = options.toMs !== undefined ? profile.startTime + options.toMs * 1000 : Infinity;
  let total = 0;
  let samples = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < from || t > to) continue;
    // A sample stands for the time until the next one.
    const weight = profile.timeDeltas[i + 1] ?? 0;
    if (weight <= 0) continue;
    const leaf = byId.get(profile.samples[i]);
    if (!leaf) continue;
    total += weight;
    samples++;
    add(self, functionKey(leaf.callFrame), weight);
    add(selfArea, areaOf(leaf.callFrame), weight);
    const seenFunctions = new Set<string>();
    const seenAreas = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      if (frame.functionName === '(root)') break;
      seenFunctions.add(functionKey(frame));
      seenAreas.add(areaOf(frame));
    }
    for (const key of seenFunctions) add(inclusive, key, weight);
    for (const key of seenAreas) add(inclusiveArea, key, weight);
  }

  const idle = self.get('(idle)') ?? 0;
  const busy = total - idle;
  const ms = (us: number) => (us / 1000).toFixed(0);
  const pct = (us: number) => (busy ? ((100 * us) / busy).toFixed(1) : '0.0');
  // Event-loop plumbing (node: internals, V8 builtins) is on nearly every stack and says nothing.
  const plumbing = (key: string) => / — node:|\(native\)$/.test(key);
  const table = (title: string, map: Map<string, number>, skipMeta: boolean, keep: (key: string) => boolean = () => true) => {
    const rows = [...map.entries()]
      .filter(([key]) => !(skipMeta && (META.has(key) || plumbing(key))) && key !== '(idle)' && keep(key))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top);
    return [
      `#### ${title}`,
      '',
      '| ms | % of busy | function / area |',
      '| ---: | ---: | --- |',
      ...rows.map(([key, us]) => `| ${ms(us)} | ${pct(us)} | ${key.replace(/\|/g, '\\|')} |`),
    ].join('\n');
  };

  return [
    `### CPU profile: ${options.title ?? 'profile'}`,
    '',
    `Window ${((options.fromMs ?? 0) / 1000).toFixed(1)}–${options.toMs !== undefined ? (options.toMs / 1000).toFixed(1) : 'end'} s after start: ` +
      `${samples} samples, ${ms(total)} ms, busy ${ms(busy)} ms (${total ? ((100 * busy) / total).toFixed(0) : 0}% of one core), ` +
      `GC ${ms(self.get('(garbage collector)') ?? 0)} ms (${pct(self.get('(garbage collector)') ?? 0)}% of busy). ` +
      'Percentages are of busy (non-idle) time; "src/" paths are the built dist/ files of those sources.',
    '',
    table('Self time by area (package or source folder)', selfArea, false),
    '',
    table('Inclusive time by area (time with the area anywhere on the stack)', inclusiveArea, true),
    '',
    table('Top functions by self time', self, false),
    '',
    table('Top functions by inclusive time (without node: internals and V8 builtins)', inclusive, true),
    '',
    table('Our code (src/) by inclusive time', inclusive, true, (key) => key.includes(' — src/')),
  ].join('\n');
}

function stripUrl(url: string, repoRoot?: string): string {
  let path = url.replace(/^file:\/\//, '');
  if (repoRoot && path.startsWith(repoRoot)) path = path.slice(repoRoot.length);
  return path.replace(/^\/+/, '');
}

/** dist/x/y.js → src/x/y.ts; node_modules paths shortened to the package and file. */
function describeUrl(url: string, repoRoot?: string): string {
  if (!url) return '';
  const path = stripUrl(url, repoRoot);
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) return path.slice(modules);
  if (path.startsWith('dist/')) return `src/${path.slice('dist/'.length).replace(/\.js$/, '.ts')}`;
  return path;
}

/** The package (node_modules), source folder (src/<feature>), or node: internals a frame belongs to. */
function area(url: string, repoRoot?: string): string {
  if (!url) return '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'node: internals';
  const path = stripUrl(url, repoRoot);
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = path.slice(modules + 'node_modules/'.length).split('/');
    return `npm ${parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  if (path.startsWith('dist/')) {
    const parts = path.slice('dist/'.length).split('/');
    return `src/${parts.length > 2 ? parts.slice(0, 2).join('/') : parts.length > 1 ? parts[0] : parts[0].replace(/\.js$/, '.ts')}`;
  }
  return path;
}
