/**
 * Entry of a scoring worker thread (piscina calls the default export once per task). Built as its
 * own bundle by electron-vite; under tsx it is loaded through score-worker.bootstrap.mjs.
 */
import { runScoreTask, type ScoreTask, type ScoreTaskResult } from './score-task.ts'

export default function scoreWorker(task: ScoreTask): Promise<ScoreTaskResult[]> {
  return runScoreTask(task)
}
