// --shard auto: the shard from a Kubernetes Indexed Job's or a Slurm job array's variables, and the refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { cli, dist, sample, tmpDir } from './helpers.mjs';

const { shardFromScheduler } = await import(path.join(dist, 'index.js'));
const pick = (env, shards) => {
  const { index, count } = shardFromScheduler(env, shards);
  return `${index}/${count}`;
};

test('Kubernetes Indexed Job: JOB_COMPLETION_INDEX is 0-based, the count is --shards', () => {
  assert.equal(pick({ JOB_COMPLETION_INDEX: '0' }, 4), '1/4');
  assert.equal(pick({ JOB_COMPLETION_INDEX: '3' }, 4), '4/4');
  assert.throws(() => pick({ JOB_COMPLETION_INDEX: '2' }), /Kubernetes Indexed Job pod \(JOB_COMPLETION_INDEX=2\).*add --shards N with N the Job's spec\.completions/);
  assert.throws(() => pick({ JOB_COMPLETION_INDEX: '4' }, 4), /JOB_COMPLETION_INDEX=4 is not below --shards 4/);
  assert.throws(() => pick({ JOB_COMPLETION_INDEX: 'x' }, 4), /JOB_COMPLETION_INDEX="x" is not a whole number/);
});

test('Slurm job array: the task id within MIN..MAX (and STEP), or COUNT', () => {
  assert.equal(pick({ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '9', SLURM_ARRAY_TASK_COUNT: '10' }), '1/10');
  assert.equal(pick({ SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '9' }), '10/10');
  assert.equal(pick({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4' }), '3/4');
  assert.equal(pick({ SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '6', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '4' }), '3/4');
  assert.equal(pick({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '5' }), '3/5');
  assert.equal(pick({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '4' }, 5), '3/5');
  assert.throws(() => pick({ SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '9', SLURM_ARRAY_TASK_COUNT: '3' }), /with gaps .* cannot be mapped/);
  assert.throws(() => pick({ SLURM_ARRAY_TASK_ID: '3' }), /neither SLURM_ARRAY_TASK_MIN\/MAX nor SLURM_ARRAY_TASK_COUNT/);
  assert.throws(() => pick({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '5' }), /not one of the array's 5 tasks/);
  assert.throws(() => pick({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '4' }, 3), /--shards 3 differs from the Slurm array's 5 tasks/);
});

test('neither, or both: refused with what is missing', () => {
  assert.throws(() => pick({}), /no scheduler found: neither JOB_COMPLETION_INDEX \(a Kubernetes Indexed Job\) nor SLURM_ARRAY_TASK_ID \(a Slurm job array, sbatch --array\) is set; outside them give --shard K\/N/);
  assert.throws(() => pick({ JOB_COMPLETION_INDEX: '0', SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2' }, 2), /both JOB_COMPLETION_INDEX .* and SLURM_ARRAY_TASK_ID/);
});

test('the CLI: --shard auto in a Slurm array task takes its share; outside a scheduler, exit 2', { timeout: 120_000 }, () => {
  const dir = tmpDir();
  copyFileSync(sample('sample2'), path.join(dir, 'a.jpg'));
  copyFileSync(sample('sample3'), path.join(dir, 'b.jpg'));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLURM_') && k !== 'JOB_COMPLETION_INDEX'));
  const run = (env, args) => spawnSync(process.execPath, [cli, 'landmarks', ...args, dir], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 120_000 });
  const task = run({ SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '6', SLURM_ARRAY_TASK_MAX: '7' }, ['--shard', 'auto']);
  assert.equal(task.status, 0, task.stderr);
  assert.match(task.stderr, /shard 2\/2 \(Slurm job array, SLURM_ARRAY_TASK_ID=7 of 2 from 6\)/);
  assert.deepEqual(task.stdout.trim().split('\n').map((l) => JSON.parse(l).image), ['b.jpg']);
  const none = run({}, ['--shard', 'auto']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /--shard auto: no scheduler found/);
  const stray = run({}, ['--shards', '3']);
  assert.equal(stray.status, 2);
  assert.match(stray.stderr, /--shards N goes with --shard auto/);
});
