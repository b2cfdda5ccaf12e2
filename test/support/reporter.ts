/**
 * mocha's spec reporter plus one closing line, `tests: N passed, N failed, N skipped`,
 * in the plain form CI reads to know how many tests ran.
 */
import Mocha from 'mocha';

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const stats = runner.stats;
      if (!stats) return;
      process.stdout.write(`\ntests: ${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped\n`);
    });
  }
}

export default SpecWithSummary;
