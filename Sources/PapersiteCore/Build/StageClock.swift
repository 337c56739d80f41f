import Foundation
import CSystemShims

/// Measures the stages of a build for `--timings`: each stage's wall time
/// and the process's processor time (all threads, user and system: more
/// than the wall time where a stage uses several cores).
struct StageClock {
    let report: (@Sendable (String, Double, Double) -> Void)?
    private var last = DispatchTime.now().uptimeNanoseconds
    private var lastCPU = 0.0

    init(report: (@Sendable (String, Double, Double) -> Void)?) {
        self.report = report
    }

    mutating func lap(_ stage: String) {
        guard let report else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        report(stage, Double(now - last) / 1e9, cpu - lastCPU)
        lastCPU = cpu
        last = now
    }
}

/// What happens between two stages of a build: memory is given back, then
/// the stage that ended is timed.
struct StageBoundary {
    var clock: StageClock
    /// A stage's temporary memory (parsed YAML, term tables) is freed
    /// across many threads' heaps; giving the free pages back to the system
    /// keeps the next stages' memory from adding to them. An incremental
    /// build frees little, and the trim costs more than it saves there.
    var releasesMemory = true
    /// The cache whose pages read in place are given back after each stage.
    var cache: CacheStore?

    init(report: (@Sendable (String, Double, Double) -> Void)?) {
        clock = StageClock(report: report)
    }

    mutating func ended(_ stage: String) {
        if releasesMemory { papersite_release_free_memory() }
        cache?.releaseReadPages()
        clock.lap(stage)
    }
}
