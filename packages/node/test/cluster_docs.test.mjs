// docs/cluster.md's Kubernetes Indexed Job and sbatch script, run as written: the Job's container
// command with JOB_COMPLETION_INDEX set as Kubernetes sets it in each pod (its volume's mount path
// /data replaced by a temporary folder), and the sbatch script under bash with the SLURM_ARRAY_TASK_*
// variables of each array task. Together the shards must cover every video once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root, tmpDir } from './helpers.mjs';
import { makeClip } from './video_clip.mjs';

const doc = readFileSync(path.join(root, 'docs/cluster.md'), 'utf8');
const snippet = (name) => {
  const m = new RegExp(`<!-- snippet:${name}[^>]*-->\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\`\\n<!-- /snippet -->`).exec(doc);
  assert.ok(m, `docs/cluster.md has the ${name} snippet`);
  return m[1];
};

const dir = tmpDir();
mkdirSync(path.join(dir, 'videos'));
makeClip(path.join(dir, 'videos/a.mp4'));
makeClip(path.join(dir, 'videos/b.mp4'));
const bin = path.join(root, 'node_modules/.bin');
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLURM_') && k !== 'JOB_COMPLETION_INDEX')), PATH: `${bin}${path.delimiter}${process.env.PATH}` };

function assertAllVideos(out) {
  assert.deepEqual(readdirSync(out).sort(), ['a.jsonl', 'b.jsonl']);
  for (const f of ['a.jsonl', 'b.jsonl']) assert.equal(readFileSync(path.join(out, f), 'utf8').trim().split('\n').length, 30);
}

test('the Indexed Job: completions = --shards; each index takes its share', { timeout: 240_000 }, () => {
  const yaml = snippet('indexed-job');
  assert.match(yaml, /completionMode: Indexed/);
  const completions = Number(/completions: (\d+)/.exec(yaml)[1]);
  const command = JSON.parse(/command: (\[.*\])/.exec(yaml)[1]).map((a) => a.replace(/^\/data\//, `${dir}/`));
  assert.equal(command[command.indexOf('--shards') + 1], String(completions));
  const shards = [];
  for (let index = 0; index < completions; index++) {
    const r = spawnSync(command[0], command.slice(1), { env: { ...env, JOB_COMPLETION_INDEX: String(index) }, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    shards.push(/shard (\d+\/\d+) \(Kubernetes Indexed Job/.exec(r.stderr)?.[1]);
  }
  assert.deepEqual(shards, ['1/4', '2/4', '3/4', '4/4']);
  assertAllVideos(path.join(dir, 'landmarks'));
});

test('the sbatch script: each array task takes its share', { timeout: 240_000 }, () => {
  const script = path.join(dir, 'face-mesh.sbatch');
  writeFileSync(script, snippet('sbatch'));
  const [, min, max] = /#SBATCH --array=(\d+)-(\d+)/.exec(readFileSync(script, 'utf8')).map(Number);
  for (let id = min; id <= max; id++) {
    const slurm = { SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: String(min), SLURM_ARRAY_TASK_MAX: String(max), SLURM_ARRAY_TASK_COUNT: String(max - min + 1), SLURM_CPUS_PER_TASK: '1' };
    const r = spawnSync('bash', [script], { env: { ...env, ...slurm, VIDEOS: path.join(dir, 'videos'), OUT: path.join(dir, 'slurm-out') }, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`shard ${id - min + 1}/${max - min + 1} \\(Slurm job array`));
  }
  assertAllVideos(path.join(dir, 'slurm-out'));
});
