/**
 * `--shard auto`: this process's shard, from the scheduler that started it. A Kubernetes Indexed Job
 * gives each pod JOB_COMPLETION_INDEX (0-based) but not the Job's completions, so that count comes
 * from `--shards N`; a Slurm job array gives SLURM_ARRAY_TASK_ID with the array's
 * SLURM_ARRAY_TASK_MIN/MAX (and _STEP), or _COUNT. Anything missing or inconsistent is refused
 * with what to set, rather than guessed: a wrong guess would silently skip or repeat files.
 */
import { UsageError } from './cli_args.js';

export interface Shard {
  /** 1-based, as in --shard K/N. */
  index: number;
  count: number;
  /** Which variables said so, for the log. */
  source: string;
}

function integer(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`--shard auto: ${name}="${v}" is not a whole number`);
  return Number(v);
}

function kubernetes(env: NodeJS.ProcessEnv, shards: number | undefined): Shard {
  const index = integer(env, 'JOB_COMPLETION_INDEX')!;
  if (shards === undefined) {
    throw new UsageError(`--shard auto: this is a Kubernetes Indexed Job pod (JOB_COMPLETION_INDEX=${index}), which is not told how many pods there are: add --shards N with N the Job's spec.completions`);
  }
  if (index >= shards) throw new UsageError(`--shard auto: JOB_COMPLETION_INDEX=${index} is not below --shards ${shards}; --shards must be the Job's spec.completions`);
  return { index: index + 1, count: shards, source: `Kubernetes Indexed Job, JOB_COMPLETION_INDEX=${index} of --shards ${shards}` };
}

function slurm(env: NodeJS.ProcessEnv, shards: number | undefined): Shard {
  const id = integer(env, 'SLURM_ARRAY_TASK_ID')!;
  const min = integer(env, 'SLURM_ARRAY_TASK_MIN');
  const max = integer(env, 'SLURM_ARRAY_TASK_MAX');
  const step = integer(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
  const count = integer(env, 'SLURM_ARRAY_TASK_COUNT');
  const first = min ?? 0;
  if (step < 1) throw new UsageError('--shard auto: SLURM_ARRAY_TASK_STEP must be at least 1');
  let total: number;
  if (min !== undefined && max !== undefined) {
    total = Math.floor((max - min) / step) + 1;
    if (count !== undefined && count !== total) {
      throw new UsageError(`--shard auto: the Slurm array has ${count} tasks between ${min} and ${max} (step ${step}): one with gaps (--array=1,4,9) cannot be mapped to shards; use a range (--array=0-${count - 1}) or give --shard K/N`);
    }
  } else if (count !== undefined) {
    total = count;
  } else if (shards !== undefined) {
    total = shards;
  } else {
    throw new UsageError(`--shard auto: SLURM_ARRAY_TASK_ID=${id} is set but neither SLURM_ARRAY_TASK_MIN/MAX nor SLURM_ARRAY_TASK_COUNT: run under sbatch --array, or add --shards N`);
  }
  if (shards !== undefined && shards !== total) throw new UsageError(`--shard auto: --shards ${shards} differs from the Slurm array's ${total} tasks`);
  const offset = id - first;
  if (offset < 0 || offset % step !== 0 || offset / step >= total) {
    throw new UsageError(`--shard auto: SLURM_ARRAY_TASK_ID=${id} is not one of the array's ${total} tasks from ${first} step ${step}`);
  }
  return { index: offset / step + 1, count: total, source: `Slurm job array, SLURM_ARRAY_TASK_ID=${id} of ${total} from ${first}` };
}

/** The shard of this process, from `env`; `shards` is --shards N (needed under Kubernetes). */
export function shardFromScheduler(env: NodeJS.ProcessEnv, shards?: number): Shard {
  const k8s = integer(env, 'JOB_COMPLETION_INDEX') !== undefined;
  const array = integer(env, 'SLURM_ARRAY_TASK_ID') !== undefined;
  if (k8s && array) throw new UsageError('--shard auto: both JOB_COMPLETION_INDEX (Kubernetes) and SLURM_ARRAY_TASK_ID (Slurm) are set; give --shard K/N');
  if (k8s) return kubernetes(env, shards);
  if (array) return slurm(env, shards);
  throw new UsageError('--shard auto: no scheduler found: neither JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (a Slurm job array, sbatch --array) is set; outside them give --shard K/N');
}
