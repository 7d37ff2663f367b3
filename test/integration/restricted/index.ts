// The restricted-mode suites run with the same entry point as the others, from their own folder.
export { run } from '../suite/index';
