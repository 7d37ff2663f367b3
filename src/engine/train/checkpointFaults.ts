// A test hook that kills the process inside a checkpoint write, so the soak and the tests can prove
// that a kill at any point of a write leaves a complete checkpoint in force. Inert unless
// KD_TEST_KILL_IN_CHECKPOINT is set to "<write>:<point>": the <write>-th checkpoint written by this
// process (1-based) is killed with SIGKILL at its <point>-th fault point (0-based; a write passes
// through seven, between the files it writes and between the two renames that switch it in).
const HOOK = 'KD_TEST_KILL_IN_CHECKPOINT';

let writes = 0;

/** Called once per checkpoint write: returns the function the write calls at each of its fault points. */
export function checkpointFaultPoint(): () => void {
  writes += 1;
  const spec = process.env[HOOK];
  if (!spec) return () => undefined;
  const [write, point] = spec.split(':').map(Number);
  if (write !== writes) return () => undefined;
  let passed = 0;
  return () => {
    if (passed++ === point) process.kill(process.pid, 'SIGKILL');
  };
}
